"""Account-planning workbook: plan types, storage, import and the Voila app."""
