"""Entry point of a phone build (`flet build`): data lives under FLET_APP_STORAGE_DATA."""

from app.main import run

if __name__ == "__main__":
    run(web=False)
