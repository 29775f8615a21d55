"""The campaigns app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CampaignError(StrEnum):
    CAMPAIGN_CUT = "campaign_cut"  # a cut campaign stays cut


register_codes({CampaignError.CAMPAIGN_CUT: 409})
