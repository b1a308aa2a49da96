# The production image: the app under gunicorn, and the same image runs the scheduler and the
# background-task worker (docker-compose.yml). Operating it: docs/OPERATIONS.md.
#
# Debian 13 (trixie): its PostgreSQL client is version 17, the major version docker-compose.yml
# pins for the server, so `manage.py backup` (pg_dump) works inside the app container
# (pg_dump refuses servers newer than itself; a test compares the two numbers).
FROM python:3.13-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /app

# pg_dump/pg_restore for `manage.py backup`/`restore`. The PDF report (Typst) sets its text in
# DejaVu Sans, other scripts in Noto Sans and emoji in Noto Color Emoji.
RUN apt-get update && apt-get install -y --no-install-recommends \
      postgresql-client-17 fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/app app

# The dependencies, at the versions in constraints.txt (`make constraints`), before the code:
# this layer is built again only when pyproject.toml or constraints.txt change. The project
# itself is not installed as a package: it runs from /app, the only copy of the code.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt --constraint constraints.txt \
    && rm /tmp/requirements.txt

# The code belongs to root: the user the app runs as can read it but not change it. Compiled
# once here, so no process needs to write bytecode next to it. Only /app/staticfiles
# (collectstatic at start) is the app's to write.
COPY manage.py ./
COPY deploy ./deploy
COPY templates ./templates
COPY static ./static
COPY praevention ./praevention
RUN python -m compileall -q praevention deploy \
    && mkdir /app/staticfiles && chown app /app/staticfiles

USER app
EXPOSE 8000
# `prepare` migrates, creates the cache table (CACHE_URL=dbcache://…) and collects the static
# files in one Django process; then gunicorn takes over the process (settings in
# deploy/gunicorn.conf.py, from the environment).
CMD ["sh", "-c", "python manage.py prepare && exec gunicorn --config deploy/gunicorn.conf.py praevention.wsgi:application"]
