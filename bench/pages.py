"""Server time of the contact list and of contact timelines at the large scale, measured
in-process with Django's test client (no network), as a sales rep sees them."""

import argparse
import random
import time

from common import database, setup, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.test import Client

    from tandem.campaigns.models import Touchpoint
    from tandem.crm.models import Contact
    from tandem.people.models import User

    rep = User.objects.get(email="sam.patel@brightwell.example")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(rep)
    rng = random.Random(3)
    first = Contact.objects.order_by("id").values_list("id", flat=True).first()
    last = Contact.objects.order_by("-id").values_list("id", flat=True).first()
    print(
        f"database={database()} contacts={Contact.objects.count():,} "
        f"touchpoints={Touchpoint.objects.count():,}"
    )

    def timed(urls: list[str]) -> list[float]:
        client.get(urls[0])  # warm-up
        millis = []
        for url in urls:
            began = time.perf_counter()
            response = client.get(url)
            millis.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return millis

    pages = [f"/contacts/?page={rng.randrange(1, 2000)}" for _ in range(args.requests)]
    print(summary("contact list (random page)", timed(pages)))
    # Word prefixes, as people type them: a surname, a first name, both, an e-mail start.
    terms = ["smi", "amelia", "amelia jon", "wright", "george.taylor.12", "ol sm"]
    searches = [f"/contacts/?q={rng.choice(terms)}" for _ in range(args.requests // 4)]
    print(summary("contact list search", timed(searches)))
    for term in terms:
        print(summary(f"  search {term!r}", timed([f"/contacts/?q={term}"] * 5)))
    # Random contacts that exist (ids have gaps where contacts were erased or removed).
    candidates = [rng.randrange(first, last + 1) for _ in range(args.requests * 3)]
    found = set(Contact.objects.filter(pk__any_of=candidates).values_list("pk", flat=True))
    picked = [pk for pk in candidates if pk in found][: args.requests]
    timelines = [f"/contacts/{pk}/" for pk in picked]
    print(summary("contact page with timeline", timed(timelines)))
    partials = [f"/contacts/{pk}/?kind=email_open" for pk in reversed(picked)]
    print(summary("timeline filtered by kind (htmx partial)", [m for m in timed(partials)]))
    # The opportunity list in each of its sorts, on random pages of the first 500.
    for sort in ("close", "-amount", "-created"):
        lists = [
            f"/opportunities/?sort={sort}&page={rng.randrange(1, 500)}"
            for _ in range(args.requests // 4)
        ]
        print(summary(f"opportunity list sorted by {sort}", timed(lists)))


if __name__ == "__main__":
    main()
