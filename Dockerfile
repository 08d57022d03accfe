# policykg API image: the service in its own virtual environment (its top-level package names are generic).
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/opt/policykg
RUN python -m venv $VIRTUAL_ENV
ENV PATH="$VIRTUAL_ENV/bin:$PATH"
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ontology ontology
COPY graph graph
COPY ingest ingest
COPY search search
COPY api api
RUN pip install .
EXPOSE 8000
CMD ["policykg", "serve", "--host", "0.0.0.0", "--port", "8000"]
