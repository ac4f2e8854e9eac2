"""Pictures drawn as accessible SVG: the CHIME wheel, sky and mountains, the course figures."""
