"""What schemathesis found first: every error the API sends is a problem+json document,
but the spec documented flask-smorest's own `{code, status, message}` as application/json."""
from __future__ import annotations


def test_the_spec_documents_errors_as_problem_documents(client):
    spec = client.get("/api/openapi.json").get_json()
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default) == ["application/problem+json"]
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}
    unprocessable = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert list(unprocessable) == ["application/problem+json"]


def test_the_csv_export_documents_its_csv(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "text/csv" in spec["paths"]["/api/accounts/export.csv"]["get"]["responses"]["200"]["content"]


def test_an_actual_error_matches_the_documented_shape(client):
    response = client.get("/api/accounts/not-a-uuid")
    assert response.status_code in (401, 404)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status"} <= set(body) and body["status"] == response.status_code
