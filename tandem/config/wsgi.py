import os

from django.core.wsgi import get_wsgi_application

from tandem.config.filemodes import keep_new_files_private

keep_new_files_private()  # the web server writes the database, uploads and exports
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
application = get_wsgi_application()
