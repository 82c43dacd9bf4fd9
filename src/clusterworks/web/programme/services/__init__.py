"""Services of the programme app, one module per area: ``workflow`` (states, transitions, notifications),
``calls`` and ``applications`` (calls, forms, applications, budgets, attachments, revisions),
``conflicts``, ``assignment`` and ``review`` (conflict-free expert review), ``commission``,
``allocation`` and ``awards``. Every service is a keyword-only function that runs in a transaction
and checks its business rules; views check permissions before calling them."""
