FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir --upgrade "pip>=25.1" \
 && pip install --no-cache-dir -c requirements.lock --group runtime
COPY . .
# Production storage writes the hashed manifest that production mode serves from.
# A throwaway key: production refuses any key written in the repository.
RUN TECHCAREERS_PRODUCTION=true ALLOWED_HOSTS=build \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "techcareers.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
