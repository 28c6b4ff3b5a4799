"""Device services: the rules the screens call. No flet imports here."""
