"""The OpenAPI 3.1 document of the JSON API, with the cone.filing/1 schema from its models."""
from __future__ import annotations

import functools
from typing import Any

from ...filing.models import Filing
from ..filings.workflow import STATUS_LABELS

ERR = {"$ref": "#/components/responses/Error"}


def _ok(description: str, schema: dict[str, Any] | None = None, media: str = "application/json") -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {media: {"schema": schema}}
    return out


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): ERR for c in codes}


ID = [{"name": "filing_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
RESOURCE = {"$ref": "#/components/schemas/FilingResource"}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


LIST_PARAMETERS = [
    _query("q", {"type": "string", "maxLength": 200}, "Search applicant, project title, town and docket number."),
    _query("status", {"type": "string", "enum": [*STATUS_LABELS, "archived"]},
           "Only filings in this status (archived drafts are listed only with `archived`)."),
    _query("type", {"type": "string"}, "Only filings of this filing type (its code)."),
    _query("organization", {"type": "integer", "minimum": 1}, "Only this organization's filings (its id)."),
    _query("sort", {"type": "string", "enum": ["changed", "next_date"]}, "Last change first (default) or next date first."),
    _query("page", {"type": "integer", "minimum": 1}, "Page number, from 1."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Filings per page (default 25)."),
]


def _form(required: list[str], **fields: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": required, "properties": fields}}}}


STRING, DATE, PDF = {"type": "string"}, {"type": "string", "format": "date"}, {"type": "string", "format": "binary"}
AFTER_FILING = {"$ref": "#/components/schemas/AfterFiling"}
AFTER_FILING_PATHS = {
    "/filings/{filing_id}/after-filing": {"parameters": ID, "get": {
        "summary": "After filing: filed date, docket number, the packet as filed, the clock (each date actual, due "
                   "or planned, with its citation), events and conditions",
        "responses": {"200": _ok("After-filing state", AFTER_FILING), **_errors(401, 404)}}},
    "/filings/{filing_id}/filed": {"parameters": ID, "post": {
        "summary": "Mark the approved filing filed (compliance only): filed date, docket number in the agency's "
                   "format, the portal receipt (PDF) and confirm=yes; keeps the final PDF as filed",
        "requestBody": _form(["filed_on", "docket_number", "receipt", "confirm"], filed_on=DATE, docket_number=STRING,
                             receipt=PDF, confirm={"type": "string", "enum": ["yes"]},
                             version={"type": "integer", "description": "The version you saw (default: the latest)"}),
        "responses": {"200": _ok("Filed", AFTER_FILING), **_errors(401, 403, 404, 409, 422)}}},
    "/filings/{filing_id}/events": {"parameters": ID, "post": {
        "summary": "Record an event after filing on its real date (compliance only); refused (422, naming the "
                   "field) when the pack's rules do not allow it, e.g. a response after its deadline",
        "requestBody": _form(["kind", "date"], kind=STRING, date=DATE,
                             row={"type": "string", "description": "For an extension: the clock row it moves"},
                             outcome={"type": "string", "description": "For a decision"}, note=STRING,
                             document={**PDF, "description": "A PDF; required for a decision"}),
        "responses": {"201": _ok("Recorded", AFTER_FILING), **_errors(401, 403, 404, 409, 422)}}},
    "/filings/{filing_id}/conditions": {"parameters": ID, "post": {
        "summary": "Add a condition of an approval with conditions, with its reporting schedule (compliance only)",
        "requestBody": _form(["title", "first_due"], title=STRING, first_due=DATE,
                             every_months={"type": "integer", "minimum": 0, "maximum": 120,
                                           "description": "0 (default): reported once"}, until=DATE),
        "responses": {"201": _ok("Added", AFTER_FILING), **_errors(401, 403, 404, 409, 422)}}},
    "/filings/{filing_id}/conditions/{condition_id}/met": {
        "parameters": [*ID, {"name": "condition_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "post": {"summary": "Mark a condition met with its evidence (PDF; compliance only)",
                 "requestBody": _form(["evidence"], evidence=PDF),
                 "responses": {"200": _ok("Marked met", AFTER_FILING), **_errors(401, 403, 404, 422)}}},
}


@functools.cache
def document() -> dict[str, Any]:
    schema = Filing.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Filing"}}}}
    obj = {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "cone API", "version": "1",
                 "description": "Certificate-of-Need filings in the cone.filing/1 format. Authenticate with "
                                "`Authorization: Bearer TOKEN` (create tokens on the account page or with "
                                "`flask --app app cone create-token EMAIL`)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/filings": {
                "get": {"summary": "Filings of your organizations, a page at a time",
                        "parameters": LIST_PARAMETERS,
                        "responses": {"200": _ok("A page of filings: `filings`, `page`, `pages`, `total`, and `next` "
                                                 "(the next page's URL) when there is one", obj), **_errors(401, 422)}},
                "post": {"summary": "Create a filing from a cone.filing/1 document",
                         "parameters": [{"name": "organization", "in": "query", "required": False, "schema": {"type": "string"},
                                         "description": "Needed when you administer several organizations."}],
                         "requestBody": body,
                         "responses": {"201": _ok("Created; `id` names the filing", RESOURCE),
                                       **_errors(400, 401, 403, 413, 415, 422)}},
            },
            "/filings/{filing_id}": {
                "parameters": ID,
                "get": {"summary": "The filing and its latest version (ETag: the version number)",
                        "responses": {"200": _ok("The filing", RESOURCE), **_errors(401, 404)}},
                "put": {"summary": "Replace the filing's facts with a new version (administrators only)",
                        "parameters": [{"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                                        "description": "The ETag (version) the change is based on; 409 if it is stale."}],
                        "requestBody": body,
                        "responses": {"200": _ok("Saved", RESOURCE), **_errors(400, 401, 403, 404, 409, 413, 415, 422)}},
            },
            "/filings/{filing_id}/findings": {"parameters": [*ID, _query(
                "as_of", {"type": "string", "format": "date"},
                "The day date checks use (a planned filing date before it is a finding); default today")],
                "get": {"summary": "Checklist findings, each with its rule and citation",
                        "responses": {"200": _ok("Findings", obj), **_errors(400, 401, 404)}}},
            "/filings/{filing_id}/notice": {"parameters": ID, "get": {
                "summary": "The public notice as text and escaped HTML",
                "responses": {"200": _ok("Notice", obj), **_errors(401, 404)}}},
            "/filings/{filing_id}/timeline": {"parameters": ID, "get": {
                "summary": "Fee and dated steps", "responses": {"200": _ok("Timeline", obj), **_errors(401, 404)}}},
            "/filings/{filing_id}/pdf": {"parameters": [*ID, {"name": "final", "in": "query", "required": False,
                                                             "schema": {"type": "boolean"}}], "get": {
                "summary": "The application PDF: 202 with a status URL in Location while it renders, then the PDF",
                "responses": {"200": _ok("The PDF", {"type": "string", "format": "binary"}, "application/pdf"),
                              "202": _ok("Rendering; poll the Location header", obj), **_errors(401, 404, 409)}}},
            "/filings/{filing_id}/jobs/{job_id}": {"parameters": [*ID, {"name": "job_id", "in": "path", "required": True,
                                                                        "schema": {"type": "string"}}], "get": {
                "summary": "Status of a PDF render", "responses": {"200": _ok("Job status", obj), **_errors(401, 404)}}},
            **AFTER_FILING_PATHS,
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": _ok("Error, naming the field path when one is at fault", {
                "type": "object", "properties": {"error": {"type": "object", "properties": {
                    "status": {"type": "integer"}, "message": {"type": "string"}, "path": {"type": "string"}}}}})},
            "schemas": {
                **defs,
                "Filing": schema,
                "AfterFiling": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "status": {"type": "string"}, "docket_number": {"type": "string"},
                    "filed_on": {"type": ["string", "null"], "format": "date"}, "links": obj,
                    "clock": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "string"}, "label": {"type": "string"}, "date": {"type": "string", "format": "date"},
                        "basis": {"type": "string", "enum": ["actual", "due", "planned"]}, "citation": {"type": "string"},
                        "note": {"type": "string"}}}},
                    "events": {"type": "array", "items": obj}, "conditions": {"type": "array", "items": obj}}},
                "FilingResource": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "organization": {"type": "string"}, "status": {"type": "string"},
                    "version": {"type": "integer"}, "updated_at": {"type": "string"}, "links": obj,
                    "filing": {"$ref": "#/components/schemas/Filing"}}},
            },
        },
    }
