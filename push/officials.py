"""Officials and admins: who may publish, correct and delete which documents.

An official acts for one region (and all regions inside it) and, when given, one agency: it may publish, correct and
delete only documents of that agency within that region. An admin may do everything.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.base import GraphStore
from ontology.errors import InvalidInputError
from ontology.reference import contains, load_gazetteer, normalise_region_code
from push.errors import PermissionDeniedError
from push.keys import KeyHolder, Role, issue_key


def add_official(store: GraphStore, name: str, region_code: str, agency: str | None = None) -> tuple[KeyHolder, str]:
    """Register an official of ``region_code`` (and ``agency``); return it and its API key (shown once).

    Raises:
        InvalidInputError: the region code is not in the gazetteer, or the name is empty.
    """
    code = normalise_region_code(region_code)
    if code not in load_gazetteer():
        raise InvalidInputError(f"region: unknown region code {region_code!r}")
    if not name.strip():
        raise InvalidInputError("name: must not be empty")
    props = {"region_code": code, **({"agency": agency.strip()} if agency and agency.strip() else {})}
    return issue_key(store, Role.OFFICIAL, name.strip(), **props)


def add_admin(store: GraphStore, name: str) -> tuple[KeyHolder, str]:
    """Register an admin; return it and its API key (shown once)."""
    if not name.strip():
        raise InvalidInputError("name: must not be empty")
    return issue_key(store, Role.ADMIN, name.strip())


def require_staff(holder: KeyHolder) -> KeyHolder:
    """``holder`` when it is an official or an admin.

    Raises:
        PermissionDeniedError: a consumer's key.
    """
    if holder.role is Role.CONSUMER:
        raise PermissionDeniedError("this needs an official's or an admin's key; a consumer's key may not publish")
    return holder


def check_document_scope(holder: KeyHolder, region_code: str | None, issuers: Sequence[str]) -> None:
    """Refuse unless ``holder`` may publish, correct or delete a document of ``region_code`` issued by ``issuers``.

    Raises:
        PermissionDeniedError: a consumer, or an official outside the document's region or agency.
    """
    require_staff(holder)
    if holder.role is Role.ADMIN:
        return
    own = holder.region_code or ""
    if not region_code or not contains(own, region_code):
        raise PermissionDeniedError(
            f"official {holder.id} acts for region {own}; the document belongs to region {region_code or '(none)'}"
        )
    if holder.agency and holder.agency not in issuers:
        raise PermissionDeniedError(
            f"official {holder.id} acts for {holder.agency}; the document is issued by {'、'.join(issuers) or '(none)'}"
        )
