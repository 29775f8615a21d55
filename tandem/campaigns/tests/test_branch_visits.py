"""A colleague serving someone in a branch (an activity) is not a marketing touch
(campaigns' branch_visit, the customer answering a campaign): two kinds, two filters."""

from tandem.campaigns.models import Touchpoint
from tandem.crm import services
from tandem.crm.models import Activity
from tandem.crm.timeline import kinds


def test_a_branch_visit_is_not_a_marketing_touch(org):
    jane = services.create_contact(actor=org.sales_rep, first_name="Jane", email="j@x.test")
    assert Activity.Kind.IN_BRANCH not in Touchpoint.Kind.values
    labels = [label for _, label in kinds()]
    assert "Served in branch" in labels and "Branch visit" in labels
    services.log_activity(actor=org.front_liner, kind="in_branch", subject="Visit", contact=jane)
    assert not Touchpoint.objects.filter(contact=jane).exists()
