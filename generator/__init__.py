"""信州ひきこもり支援ハブ: registries (data/) → validated models → site pages and open data."""
