FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir --upgrade "pip>=25.1" \
 && pip install --no-cache-dir -c requirements.lock --group runtime
COPY . .
# Production storage writes the hashed manifest that production mode serves from.
RUN TECHCAREERS_PRODUCTION=true ALLOWED_HOSTS=build SECRET_KEY=build-only-key-not-used-at-runtime-000000000000000000 \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "techcareers.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
