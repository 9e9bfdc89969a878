"""The Scorehouse dashboard (Streamlit): `app.py` lays out the views, `published.py` reads
the published marts."""
