"""Blind scoring rounds: the formulas, the level wording, the results and their pages.

``formulas`` is pure arithmetic over plain data; ``levels`` says what each
score means; ``results`` reads a revealed round; ``presentation`` turns it into
what the pages show; ``services`` holds the writes; ``views`` and
``csv_export`` the pages and the download. The models stay in
``purposes.models``, where the migrations expect them. Nothing is imported
here, so importing ``purposes.scoring.formulas`` pulls in no views or Celery.
"""
