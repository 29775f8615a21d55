from django.apps import AppConfig


class BudgetConfig(AppConfig):
    """One budget per fiscal period shared by marketing and sales: lines owned by either
    team, monthly amounts, commitments and spend, reallocations both heads approve
    (never the proposer), and return per pound on one scale. Above planning, whose
    periods it budgets."""

    name = "tandem.budget"
    label = "budget"
    verbose_name = "Budget"
