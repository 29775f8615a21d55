"""Touch capture over real HTTP against gunicorn: bulk ingest from 4 concurrent clients
(1,000 touches per request) and web-form submission latency."""

import argparse
import json
import threading
import time

import requests
from common import Server, database, setup, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batches", type=int, default=25, help="requests per client")
    parser.add_argument("--forms", type=int, default=300)
    args = parser.parse_args()
    setup()
    from tandem.api.services import create_token, set_capture_grant
    from tandem.campaigns.models import Campaign
    from tandem.crm.models import Contact
    from tandem.people.models import User

    marketer = User.objects.get(email="tom.fletcher@brightwell.example")
    made, token = create_token(actor=marketer, name=f"bench {time.time()}", scope="write")
    admin = User.objects.get(email="alex.morgan@brightwell.example")
    set_capture_grant(actor=admin, token=made, granted=True)  # an integration's token
    campaign = Campaign.objects.filter(status="live").order_by("id").first()
    first_contact = Contact.objects.order_by("id").values_list("id", flat=True).first()
    last_contact = Contact.objects.order_by("-id").values_list("id", flat=True).first()
    run = int(time.time())

    def batch(client: int, number: int) -> list[dict[str, object]]:
        span = last_contact - first_contact + 1
        return [
            {
                "idempotency_key": f"ingest:{run}:{client}:{number}:{n}",
                "kind": "email_open",
                "contact_id": first_contact + (client * 7919 + number * 1000 + n) % span,
                "campaign_id": campaign.pk,
                "occurred_at": "2026-11-01T09:00:00Z",
                "utm_source": "newsletter",
                "utm_medium": "email",
            }
            for n in range(1000)
        ]

    # Bodies are encoded before the clock starts: the clients share this machine's two
    # cores with the server, and encoding JSON is the sender's cost, not the server's.
    payloads = {
        (c, b): json.dumps({"touchpoints": batch(c, b)}).encode()
        for c in range(args.clients)
        for b in range(args.batches)
    }
    env = {"TANDEM_API_RATE_LIMIT": "100000/m", "TANDEM_FORM_RATE_LIMIT": "100000"}
    with Server(workers=args.clients, extra_env=env) as server:
        created = [0] * args.clients
        errors: list[str] = []

        def client(number: int) -> None:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            for b in range(args.batches):
                response = session.post(
                    f"{server.url}/api/v1/touchpoints/bulk",
                    data=payloads[(number, b)],
                    headers={"Content-Type": "application/json"},
                    timeout=120,
                )
                if response.status_code != 200:
                    errors.append(response.text[:200])
                    continue
                created[number] += response.json()["created"]

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        total = sum(created)
        print(
            f"database={database()} bulk ingest: clients={args.clients} "
            f"touches={total:,} seconds={seconds:.2f} rate={total / seconds:,.0f} touches/s "
            f"errors={len(errors)}"
        )
        if errors:
            print("first error:", errors[0])

        session = requests.Session()
        url = f"{server.url}/f/{campaign.form_key}/"
        timings = []
        for n in range(args.forms):
            data = {
                "email": f"form.{run}.{n}@visitor.example",
                "first_name": "Visitor",
                "consent": "on",
                "utm_source": "google",
                "utm_medium": "cpc",
            }
            began = time.perf_counter()
            response = session.post(url, data=data, timeout=30)
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                print("form error", response.status_code, response.text[:200])
                break
        print(f"database={database()} " + summary("web-form submission (HTTP round trip)", timings))


if __name__ == "__main__":
    main()
