"""``{{ amount|money:currency }}`` → "£310,000.00"; ``{{ amount|money_short:currency }}`` →
"£310K". Loaded as a template builtin (settings.TEMPLATES), like ``stored_times``."""

from typing import Any

from django import template

from tandem.core.money import format_money, format_money_short

register = template.Library()


@register.filter
def money(amount: Any, currency: str) -> str:
    return format_money(amount, currency)


@register.filter
def money_short(amount: Any, currency: str) -> str:
    return format_money_short(amount, currency)
