"""Roadmap exports and imports, and the calendar feed.

The formats, the schema version policy, the matching rules on import and the
feed's security model are described in ``docs/exchange.md``. One module per
stage:

* ``csv_export.milestones_csv`` writes one row per milestone for a
  spreadsheet, from the ``RoadmapOverview`` the page reads, with every cell
  safe to open in Excel.
* ``json_export.roadmap_export`` writes a roadmap with the communities, needs,
  purposes and revealed scoring rounds behind it as one JSON document whose
  ids are local to the file; ``schema`` says what that file looks like
  (``schemas/roadmap-export-v2.json``; older versions beside it).
* ``writing.roadmap_import`` reads such a document into an organisation as new
  rows. It checks the file in three stages and stops at the first stage that
  finds problems: JSON and schema (``parsing``); references and dates across
  the document (``checks``); then, while writing in one transaction, each row
  through the model's own validation and check constraints (``writing``). Any
  problem rolls everything back.
* ``ical`` renders the iCalendar feed and keeps its secret token.
* ``views``, ``urls`` (under an organisation) and ``feed_urls`` (the public
  feed) serve them.

Call the export functions inside the organisation's scope.
"""
