from django.apps import AppConfig


class BudgetConfig(AppConfig):
    """One budget per fiscal period shared by marketing and sales: lines owned by either
    team, monthly amounts, commitments and spend, reallocations both heads approve
    (never the proposer), and return per pound on one scale. Above planning, whose
    periods it budgets."""

    name = "tandem.budget"
    label = "budget"
    verbose_name = "Budget"

    def ready(self) -> None:
        from tandem.approvals.kinds import register_kind
        from tandem.budget import errors  # noqa: F401  (registers the error codes)
        from tandem.budget.reallocation import ReallocationKind
        from tandem.core.navigation import NavEntry, register_nav
        from tandem.core.permissions import is_staff
        from tandem.core.records import register_record

        register_record("budget.budgetline", url_name="budget:line")
        register_record("budget.reallocation")
        register_kind(ReallocationKind())
        register_nav(NavEntry("Budget", "budget:home", 13, is_staff, group="together"))
        from tandem.budget.kpis import COST_PER_OPPORTUNITY
        from tandem.planning.kpis import register_kpi
        from tandem.planning.reads import register_period_link

        register_kpi(COST_PER_OPPORTUNITY)
        register_period_link("Budget", "budget:overview")
