"""The hand-off from marketing to sales.

The flow: touches arrive -> ``arrivals.lead_arrived`` (or a full rescore,
``scoring_runs``) scores the contacts -> leads that cross the MQL threshold are handed
off (``routing.hand_off``): tiered by score, routed to a rep, SLA due times set in the
sales team's business hours, rep notified -> the rep accepts or rejects with a reason
(``lifecycle``; rejected leads go back to nurture) -> ``sla_clocks.detect_breaches``
runs every minute and notifies the rep, then the head, exactly once. What counts as
qualified and what sales promises are joint ``contracts``; the heads' other settings
are in ``configuration``.
"""
