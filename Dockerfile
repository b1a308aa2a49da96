# Production image: the app under gunicorn, static files served by whitenoise.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# The PDF report (Typst) sets its text in DejaVu Sans, other scripts in Noto Sans, emoji in Noto Color Emoji.
RUN apt-get update && apt-get install -y --no-install-recommends \
      fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/app app

COPY pyproject.toml README.md ./
COPY praevention ./praevention
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static

RUN mkdir -p /app/staticfiles && chown -R app /app
USER app

EXPOSE 8000
# Migrations, the cache table (CACHE_URL=dbcache://…) and collectstatic run on every start:
# all three are idempotent and keep the schema and the hashed static files in step with
# the code of this image.
CMD ["sh", "-c", "python manage.py migrate --no-input && python manage.py createcachetable && python manage.py collectstatic --no-input -v0 && exec gunicorn praevention.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --timeout ${GUNICORN_TIMEOUT:-120} --access-logfile - --error-logfile -"]
