FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY profiles ./profiles
COPY mentorships ./mentorships
COPY matching ./matching
COPY dashboard ./dashboard
COPY privacy ./privacy
COPY api ./api
RUN pip install --no-cache-dir .
# .dockerignore keeps secrets (.env), .git, local databases and environments out.
COPY . .
RUN DJANGO_SECRET_KEY=build-only KINDRED_PRODUCTION=1 python manage.py collectstatic --noinput
RUN useradd --create-home kindred
USER kindred
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
