"""The 2025 administrative units (34 provinces, 3,321 communes), copied from the
``vietnamadminunits`` package into our own tables so addresses are foreign keys with the
official codes, and forms and reviewers' filters are plain queries.

The package's data is a SQLite file shipped inside it; we read that file directly instead of
importing the package (its ``__init__`` pulls in the geometry and geocoding libraries).
"""

import importlib.util
import sqlite3
from pathlib import Path

from django.db import transaction


def _dataset_path():
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "dataset.db"


def read_units():
    """(provinces, communes) as lists of dicts from the package's 34-province table."""
    with sqlite3.connect(_dataset_path()) as conn:
        rows = conn.execute(
            "SELECT provinceCode, province, provinceShort, wardCode, ward, wardShort, wardType "
            "FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
    provinces, communes = {}, []
    for p_code, p_name, p_short, w_code, w_name, w_short, w_type in rows:
        provinces.setdefault(p_code, {"code": p_code, "name": p_name, "short_name": p_short})
        communes.append(
            {
                "code": w_code,
                "province_code": p_code,
                "name": w_name,
                "short_name": w_short,
                "kind": w_type,
            }
        )
    return list(provinces.values()), communes


def sync_units(force=False, using="default"):
    """Create or update the units; cheap when they are already there. Returns rows written."""
    from forms_app.models import Commune, Province

    provinces, communes = read_units()
    if (
        not force
        and Province.objects.using(using).count() == len(provinces)
        and Commune.objects.using(using).count() == len(communes)
    ):
        return 0
    kinds = {label: value for value, label in Commune.Kind.choices}
    kinds.update({"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"})
    with transaction.atomic(using=using):
        Province.objects.using(using).bulk_create(
            [Province(**p) for p in provinces],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "short_name"],
        )
        Commune.objects.using(using).bulk_create(
            [
                Commune(
                    code=c["code"],
                    province_id=c["province_code"],
                    name=c["name"],
                    short_name=c["short_name"],
                    kind=kinds.get(c["kind"], "xa"),
                )
                for c in communes
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["province", "name", "short_name", "kind"],
            batch_size=500,
        )
    return len(provinces) + len(communes)
