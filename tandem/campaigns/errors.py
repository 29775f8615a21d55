"""The campaigns app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CampaignError(StrEnum):
    CAMPAIGN_CUT = "campaign_cut"  # a cut campaign stays cut
    CAMPAIGN_ENDED = "campaign_ended"  # a finished or cut campaign's dates stay
    EDIT_CONFLICT = "edit_conflict"  # changed by someone else since the editor read it
    NOT_READY = "campaign_not_ready"  # a launch check failed (e.g. sales not ready)


register_codes(
    {
        CampaignError.CAMPAIGN_CUT: 409,
        CampaignError.CAMPAIGN_ENDED: 409,
        CampaignError.EDIT_CONFLICT: 409,
        CampaignError.NOT_READY: 409,
    }
)
