import os

from django.core.wsgi import get_wsgi_application

from tandem.config.filemodes import keep_new_files_private

keep_new_files_private()  # the web server writes the database, uploads and exports
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
# SQLite: requests leave copying the WAL into the database to the worker (settings.py).
os.environ.setdefault("TANDEM_SQLITE_CHECKPOINT_PAGES", "10000")
application = get_wsgi_application()
