"""Services of the stakeholder network: the network built from the register (``network``),
participation datasets (``datasets``), the partner-search board (``board``) and matchmaking events
(``events``)."""
