FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir --upgrade "pip>=25.1" \
 && pip install --no-cache-dir -c requirements.lock --group runtime
COPY . .
RUN TECHCAREERS_PRODUCTION=false python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "techcareers.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
