"""Publish: open data (JSON, CSV, GeoJSON, HSDS, iCalendar) and sitemap."""
