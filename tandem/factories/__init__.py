"""factory_boy factories for the rows tests build most, one module per app and in the
app's layer (pyproject.toml's layers contract): people and teams (``people``), the
customer record (``crm``), campaigns and touches (``campaigns``), leads (``handoff``).
A test imports the factories of its own app's layer or below: a crm test cannot build
a lead, as crm's code cannot import handoff. Every app's tests may use people's, as
they may use the personas.

Imported by tests and conftest only (factory_boy is a dev dependency).
"""
