"""The audit log read as sentences, with links to the records (core.audit_log), shown
here with crm's records (core and people cannot import crm)."""


def test_the_audit_log_reads_as_sentences_with_links_in_bounded_queries(
    client, org, django_assert_max_num_queries
):
    from tandem.core.audit import Source, acting_as
    from tandem.crm import services as crm

    with acting_as(org.sales_rep, Source.WEB):
        contacts = [
            crm.create_contact(actor=org.sales_rep, first_name="Gareth", last_name=f"Lloyd {n}")
            for n in range(3)
        ]
    client.force_login(org.admin)
    with django_assert_max_num_queries(12):
        page = client.get("/audit/?event=contact.").content.decode()
    assert (
        f'Sam Rep created the contact <a href="/contacts/{contacts[0].pk}/">Gareth Lloyd 0</a>'
        in page
    )
    assert "<code>contact.created</code>" in page
    many = [
        crm.create_contact(actor=org.sales_rep, first_name="X", last_name=str(n)) for n in range(20)
    ]
    assert many
    with django_assert_max_num_queries(12):  # the same few queries for 23 events as for 3
        client.get("/audit/?event=contact.")
