"""Collateral as marketing and the sharp end have left it: a heat-pump brochure signed off
by Sam and the showroom and published (used with customers, rated, one use logged on an
open deal); a showroom window display waiting for its sign-offs, with Sam's pin on it; a
price sheet still a draft; a call script the call centre uses; and Grace's request for a
leaflet in Polish. Through the services, as people would do it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core.audit import Source, acting_as

BROCHURE = [
    [
        "Heat-pump grants explained",
        "Brightwell Energy, Yorkshire",
        "",
        "The Boiler Upgrade Scheme pays up to 7,500 pounds toward an air-source heat pump.",
        "Most homes built after 1950 qualify. We check yours for free.",
    ],
    [
        "What happens next",
        "1. A surveyor visits within a week.",
        "2. We apply for the grant on your behalf.",
        "3. Installation takes two days; your old boiler is recycled.",
        "Ask at the Leeds showroom or call 0113 496 0000.",
    ],
]
DISPLAY = [["Open weekend", "Leeds showroom, 10am to 4pm", "Free heat-loss survey booking"]]
PRICE_SHEET = [["Commercial solar: 2027 prices", "10 kWp from 11,900 pounds", "30 kWp on request"]]
SCRIPT = [
    [
        "Call script: boiler swap",
        "Ask how old the boiler is and whether it has had repairs this year.",
        "Offer the free survey; mention the heat-pump grant where the home qualifies.",
    ]
]


def _pdf(pages: list[list[str]], name: str) -> Any:
    from tandem.collateral.sample_pdf import make_pdf

    return SimpleUploadedFile(name, make_pdf(pages, title=pages[0][0]), "application/pdf")


def seed_collateral(users: dict[str, Any]) -> None:
    from tandem.approvals import services as approvals
    from tandem.campaigns.models import Campaign
    from tandem.collateral import asks, library, services
    from tandem.crm.models import Opportunity

    marketer, rep = users["marketer"], users["sales rep"]
    grace, chloe = users["front line"], users["call centre"]
    show = Campaign.objects.filter(name="Harrogate Home & Garden Show").first()
    weekend = Campaign.objects.filter(name="Leeds showroom open weekend").first()

    def made(title: str, kind: str, pages: list[list[str]], **values: Any) -> Any:
        with acting_as(marketer, Source.SYSTEM):
            asset = services.create_asset(
                actor=marketer, title=title, kind=kind, reps=[rep], **values
            )
            services.upload_version(
                actor=marketer,
                asset=asset,
                upload=_pdf(pages, title.lower().replace(" ", "-")[:40] + ".pdf"),
                note="First draft",
            )
        asset.refresh_from_db()
        return asset

    def signed(asset: Any, *people: Any) -> Any:
        with acting_as(marketer, Source.SYSTEM):
            request = services.release_for_review(actor=marketer, asset=asset)
        for person in people:
            with acting_as(person, Source.SYSTEM):
                request.refresh_from_db()
                approvals.decide(actor=person, request=request, outcome="approve", version=1)
        asset.refresh_from_db()
        with acting_as(marketer, Source.SYSTEM):
            return services.publish(actor=marketer, asset=asset)

    brochure = made(
        "Heat-pump grants explained",
        "brochure",
        BROCHURE,
        audience="Homeowners",
        region="Yorkshire",
        products="Air-source heat pumps",
        campaign=show,
        tags="heat pump, grants, homeowners",
    )
    brochure = signed(brochure, rep, grace)
    open_deal = Opportunity.objects.exclude(stage__in=("won", "lost")).order_by("pk").first()
    won_deal = Opportunity.objects.filter(stage="won").order_by("pk").first()
    for person, deal, note in (
        (grace, open_deal, "Gave a copy to a couple at the counter"),
        (rep, won_deal, "Left it with the owner after the survey"),
    ):
        with acting_as(person, Source.SYSTEM):
            library.log_use(actor=person, asset=brochure, opportunity=deal, note=note)
    for person, stars, verdict, comment in (
        (grace, 5, "useful", "Customers take it home: the grant figure is what they ask about."),
        (chloe, 3, "missing_info", "Callers ask about flats; it says nothing about them."),
    ):
        with acting_as(person, Source.SYSTEM):
            library.give_feedback(
                actor=person, asset=brochure, rating=stars, verdict=verdict, comment=comment
            )

    display = made(
        "Open weekend window display",
        "branch_display",
        DISPLAY,
        audience="Walk-in customers",
        region="Yorkshire",
        campaign=weekend,
        printer="Leeds Print Co",
        print_quantity=4,
    )
    with acting_as(marketer, Source.SYSTEM):
        services.release_for_review(actor=marketer, asset=display, note="For the window and door")
    with acting_as(rep, Source.SYSTEM):
        library.pin_comment(
            actor=rep,
            version=display.current_version,
            page=1,
            x="0.35",
            y="0.12",
            text="Say which Saturday: people will ask.",
        )

    made("Commercial solar price sheet", "price_sheet", PRICE_SHEET, audience="Businesses")
    script = made("Boiler swap call script", "call_script", SCRIPT, audience="Inbound callers")
    signed(script, rep, chloe)

    with acting_as(grace, Source.SYSTEM):
        asks.ask(
            actor=grace,
            title="Heat-pump leaflet in Polish",
            detail="A third of our walk-ins this month asked for it in Polish.",
            audience="Polish-speaking homeowners in Leeds",
            variant_of=brochure,
        )
