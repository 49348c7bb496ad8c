"""Site: the pages (render, search, maps, flyers) made from the index."""
