"""How likely a deal at each stage is to close: the one table the board, the totals,
the forecast and the API read.

Salesforce's default stage probabilities, mapped onto Tandem's stages (its
"Qualification" 10%, "Proposal/Price Quote" 75%, "Negotiation/Review" 90%, "Closed
Won" 100%, "Closed Lost" 0%). Whole percentages, so a weighted amount is
``amount * percent / 100``, computed by the database (``OpportunityQuerySet``).
"""

from django.db.models import Case, IntegerField, Value, When

# Stage value -> percent; the keys are exactly Opportunity.Stage's values (a test checks).
STAGE_PROBABILITY: dict[str, int] = {
    "qualification": 10,
    "proposal": 75,
    "negotiation": 90,
    "won": 100,
    "lost": 0,
}
OPEN_STAGES = ("qualification", "proposal", "negotiation")
CLOSED_STAGES = ("won", "lost")


def percent_of_stage() -> Case:
    """The stage's percent as an SQL expression, for weighting inside an aggregate."""
    return Case(
        *(When(stage=stage, then=Value(p)) for stage, p in STAGE_PROBABILITY.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
