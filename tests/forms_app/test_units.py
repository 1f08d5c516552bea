import pytest

from forms_app.models import Commune, Province
from forms_app.units import sync_units


@pytest.mark.django_db
def test_migrate_loads_the_2025_units():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    kinds = dict(
        (kind, Commune.objects.filter(kind=kind).count()) for kind in ("xa", "phuong", "dac_khu")
    )
    assert kinds == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    hanoi = Province.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert Commune.objects.get(code="00004").province == hanoi


@pytest.mark.django_db
def test_sync_is_idempotent_and_repairs():
    assert sync_units() == 0
    Commune.objects.filter(code="00004").update(name="sai")
    assert sync_units(force=True) == 34 + 3321
    assert Commune.objects.get(code="00004").name == "Phường Ba Đình"
    assert Commune.objects.count() == 3321


@pytest.mark.django_db
def test_communes_json(client):
    response = client.get("/ho-so/xa/01.json")
    assert response.status_code == 200
    communes = response.json()["communes"]
    assert ["00004", "Phường Ba Đình"] in communes
    assert len(communes) == Commune.objects.filter(province_id="01").count()
    assert client.get("/ho-so/xa/99.json").status_code == 404
    assert client.get("/ho-so/xa/abc.json").status_code == 404
