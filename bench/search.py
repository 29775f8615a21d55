"""Server time of the global search (/search/) at the large scale, in-process with
Django's test client (no network), as a rep types: the htmx partial that answers each
keystroke, for a mix of what people type, per kind of query; and a floor, the least
work the job needs: one plain LIMIT read per kind of record (contacts, accounts,
opportunities) from the same index ranges, with no session, permission or page."""

import argparse
import random
import time
from collections import defaultdict

from common import database, setup, summary


def queries(rng: random.Random) -> dict[str, list[str]]:
    """Kind of query -> texts, drawn from what the large seed holds."""
    from tandem.crm.models import Contact

    first = Contact.objects.order_by("id").values_list("id", flat=True).first() or 0
    last = Contact.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample = list(
        Contact.objects.filter(pk__any_of=[rng.randrange(first, last + 1) for _ in range(400)])
        .exclude(phone_e164="")
        .values_list("email", "phone_e164")
    )
    emails = [e for e, _ in sample if e]
    numbers = [p for _, p in sample if p.startswith("+44")]

    def spelt(e164: str) -> list[str]:
        national = e164[3:]  # "7700900123"
        a, b = national[:4], national[4:]
        return [f"0{a} {b}", f"+44 {a} {b[:3]} {b[3:]}", f"(0){a}-{b}", f"+44 (0){a} {b}"]

    return {
        "one word": ["smi", "amelia", "wright", "ol", "fre", "muhammad"],
        "two words": ["amelia jon", "ol sm", "george tay", "harry w", "jack rob", "taylor ev"],
        "e-mail prefix": [e[: rng.randrange(8, len(e.split("@")[0]) + 2)] for e in emails[:20]],
        "account name": ["company 12", "company 4567", "company 99999 ltd"],
        "domain": ["company123.bench", "company9876", "harrogatedental.example"],
        "phone, whole (4 spellings)": [s for e164 in numbers[:10] for s in spelt(e164)],
        "phone, first digits": ["07700 9", "+44 113", "020 7", "(0)7845", "+44 (0)161 4"],
        "rare name": ["bailey", "ruth bai", "hussain", "whitaker d"],
        "very common name": ["smith", "oliver", "jones", "oliver smith", "amelia"],
        "no hit": ["zzqx", "xavier quinn", "tom fle", "amelia zzz", "qq", "letcher"],
    }


def floor_read(text: str) -> None:
    """One index range read per kind of record, for the first way the text meets it."""
    from tandem.crm.models import Account, Contact, Opportunity
    from tandem.crm.querysets import contact_shapes, search_words, starts_with

    fields, shapes = contact_shapes(text)
    shape = shapes[0]
    where = shape.also
    for name, prefix in shape.starts.items():
        where &= starts_with(name, prefix, byte_order=True)
    list(
        Contact.objects.alias(**fields)
        .filter(where)
        .order_by(*shape.order)
        .values_list("id", "first_name", "last_name", "email", "phone")[:6]
    )
    prefix = " ".join(search_words(text))
    for model in (Account, Opportunity):
        if prefix:
            from django.db.models.functions import Lower

            list(
                model.objects.alias(search_name=Lower("name"))
                .filter(starts_with("search_name", prefix, byte_order=True))
                .order_by("search_name", "id")
                .values_list("id", "name")[:6]
            )


def add_leads() -> None:
    """A lead for every third contact that has none (the large seed has a handful; a
    scored organisation has many, and then leads are found from the contact's side)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO handoff_lead (contact_id, stage, stage_changed_at, score, fit_score,"
            " engagement_score, tier, source, rejection_note, rep_id)"
            " SELECT id, 'lead', created_at, 0, 0, 0, '', 'bench', '', owner_id"
            " FROM crm_contact WHERE id % 3 = 0"
            " AND NOT EXISTS (SELECT 1 FROM handoff_lead l WHERE l.contact_id = crm_contact.id)"
        )
        print(f"added {cursor.rowcount:,} leads")
        cursor.execute("ANALYZE handoff_lead")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="times each text is searched")
    parser.add_argument("--as", dest="user", default="sam.patel@brightwell.example")
    parser.add_argument("--add-leads", action="store_true", help=add_leads.__doc__)
    args = parser.parse_args()
    setup()
    if args.add_leads:
        add_leads()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tandem.crm.models import Contact
    from tandem.handoff.models import Lead
    from tandem.people.models import User

    rng = random.Random(11)
    user = User.objects.get(email=args.user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    mix = queries(rng)
    print(
        f"database={database()} contacts={Contact.objects.count():,} "
        f"with a phone={Contact.objects.exclude(phone_e164='').count():,} "
        f"leads={Lead.objects.count():,} searcher={args.user}"
    )
    client.get("/search/", {"q": "warm up"}, HTTP_HX_REQUEST="true")
    served: dict[str, list[float]] = defaultdict(list)
    floors: dict[str, list[float]] = defaultdict(list)
    slowest: list[tuple[float, str]] = []
    work = [(kind, text) for kind, texts in mix.items() for text in texts] * args.rounds
    rng.shuffle(work)
    for kind, text in work:
        began = time.perf_counter()
        response = client.get("/search/", {"q": text}, HTTP_HX_REQUEST="true")
        took = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (text, response.status_code)
        served[kind].append(took)
        slowest.append((took, text))
        began = time.perf_counter()
        floor_read(text)
        floors[kind].append((time.perf_counter() - began) * 1000)
    everything = [m for ms in served.values() for m in ms]
    print(summary("search, all kinds (htmx partial)", everything))
    print(summary("floor, all kinds", [m for ms in floors.values() for m in ms]))
    for kind in mix:
        print(summary(f"  {kind}", served[kind]))
        print(summary(f"    floor {kind}", floors[kind]))
    pages = [client.get("/search/", {"q": t}) for t in ("amelia jon", "07700 9")]  # warm
    full = []
    for _ in range(args.rounds):
        for text in ("amelia jon", "+44 7700 900 123", "company 12"):
            began = time.perf_counter()
            assert client.get("/search/", {"q": text}).status_code == 200
            full.append((time.perf_counter() - began) * 1000)
    print(summary("the whole page (shell and results)", full))
    print("slowest:", ", ".join(f"{t!r} {m:.0f} ms" for m, t in sorted(slowest)[-5:][::-1]))
    with CaptureQueriesContext(connection) as captured:
        client.get("/search/", {"q": "amelia jon"}, HTTP_HX_REQUEST="true")
    print(f"queries for 'amelia jon' (htmx): {len(captured.captured_queries)}")
    del pages


if __name__ == "__main__":
    main()
