#!/usr/bin/env python3
"""Generate forms/ct/towns.yaml: Connecticut's 169 towns with their USPS ZIP codes.

ZIP codes and their postal city names come from the `zipcodes` package
(pip install zipcodes==3.0.0), which ships USPS data offline. Postal city
names are often villages rather than towns (Niantic, Mystic, Uncasville ...),
so this script holds a village-to-town table and a per-ZIP override table for
ZIPs known to serve more than one town.

Requires only `zipcodes` and `pyyaml`. Usage:

    python tools/gen_ct_towns.py            # writes forms/ct/towns.yaml
    python tools/gen_ct_towns.py -o FILE    # writes elsewhere
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml
import zipcodes

ZIPCODES_VERSION = "3.0.0"
AS_OF = "2026-11-26"

# The 169 towns (municipalities) of Connecticut, spelled as the state spells them.
TOWNS = [
    "Andover", "Ansonia", "Ashford", "Avon", "Barkhamsted", "Beacon Falls",
    "Berlin", "Bethany", "Bethel", "Bethlehem", "Bloomfield", "Bolton",
    "Bozrah", "Branford", "Bridgeport", "Bridgewater", "Bristol", "Brookfield",
    "Brooklyn", "Burlington", "Canaan", "Canterbury", "Canton", "Chaplin",
    "Cheshire", "Chester", "Clinton", "Colchester", "Colebrook", "Columbia",
    "Cornwall", "Coventry", "Cromwell", "Danbury", "Darien", "Deep River",
    "Derby", "Durham", "East Granby", "East Haddam", "East Hampton",
    "East Hartford", "East Haven", "East Lyme", "East Windsor", "Eastford",
    "Easton", "Ellington", "Enfield", "Essex", "Fairfield", "Farmington",
    "Franklin", "Glastonbury", "Goshen", "Granby", "Greenwich", "Griswold",
    "Groton", "Guilford", "Haddam", "Hamden", "Hampton", "Hartford",
    "Hartland", "Harwinton", "Hebron", "Kent", "Killingly", "Killingworth",
    "Lebanon", "Ledyard", "Lisbon", "Litchfield", "Lyme", "Madison",
    "Manchester", "Mansfield", "Marlborough", "Meriden", "Middlebury",
    "Middlefield", "Middletown", "Milford", "Monroe", "Montville", "Morris",
    "Naugatuck", "New Britain", "New Canaan", "New Fairfield", "New Hartford",
    "New Haven", "New London", "New Milford", "Newington", "Newtown",
    "Norfolk", "North Branford", "North Canaan", "North Haven",
    "North Stonington", "Norwalk", "Norwich", "Old Lyme", "Old Saybrook",
    "Orange", "Oxford", "Plainfield", "Plainville", "Plymouth", "Pomfret",
    "Portland", "Preston", "Prospect", "Putnam", "Redding", "Ridgefield",
    "Rocky Hill", "Roxbury", "Salem", "Salisbury", "Scotland", "Seymour",
    "Sharon", "Shelton", "Sherman", "Simsbury", "Somers", "South Windsor",
    "Southbury", "Southington", "Sprague", "Stafford", "Stamford", "Sterling",
    "Stonington", "Stratford", "Suffield", "Thomaston", "Thompson", "Tolland",
    "Torrington", "Trumbull", "Union", "Vernon", "Voluntown", "Wallingford",
    "Warren", "Washington", "Waterbury", "Waterford", "Watertown",
    "West Hartford", "West Haven", "Westbrook", "Weston", "Westport",
    "Wethersfield", "Willington", "Wilton", "Winchester", "Windham", "Windsor",
    "Windsor Locks", "Wolcott", "Woodbridge", "Woodbury", "Woodstock",
]

# Postal city (as USPS names it) -> the town that contains it. Postal cities
# that are themselves town names need no entry unless they map elsewhere.
VILLAGE_TO_TOWN = {
    # Hartford County
    "Broad Brook": "East Windsor",
    "Canton Center": "Canton",
    "Collinsville": "Canton",
    "East Berlin": "Berlin",
    "East Glastonbury": "Glastonbury",
    "East Hartland": "Hartland",
    "East Windsor Hill": "South Windsor",
    "Kensington": "Berlin",
    "Marion": "Southington",
    "Milldale": "Southington",
    "North Canton": "Canton",
    "North Granby": "Granby",
    "Plantsville": "Southington",
    "Poquonock": "Windsor",
    "South Glastonbury": "Glastonbury",
    "Tariffville": "Simsbury",
    "Unionville": "Farmington",
    "Weatogue": "Simsbury",
    "West Granby": "Granby",
    "West Hartland": "Hartland",
    "West Simsbury": "Simsbury",
    "West Suffield": "Suffield",
    # Litchfield County
    "Bantam": "Litchfield",
    "Canaan": "North Canaan",          # the village of Canaan lies in North Canaan
    "Cornwall Bridge": "Cornwall",
    "East Canaan": "North Canaan",
    "Falls Village": "Canaan",         # the town of Canaan's post office
    "Gaylordsville": "New Milford",
    "Lakeside": "Morris",
    "Lakeville": "Salisbury",
    "New Preston Marble Dale": "Washington",
    "Northfield": "Litchfield",
    "Oakville": "Watertown",
    "Pequabuck": "Plymouth",
    "Pine Meadow": "New Hartford",
    "Riverton": "Barkhamsted",
    "South Kent": "Kent",
    "Taconic": "Salisbury",
    "Terryville": "Plymouth",
    "Washington Depot": "Washington",
    "West Cornwall": "Cornwall",
    "Winchester Center": "Winchester",
    "Winsted": "Winchester",
    # Tolland County
    "Amston": "Hebron",
    "Mansfield Center": "Mansfield",
    "Mansfield Depot": "Mansfield",
    "Somersville": "Somers",
    "South Willington": "Willington",
    "Stafford Springs": "Stafford",
    "Staffordville": "Stafford",
    "Storrs Mansfield": "Mansfield",
    "Vernon Rockville": "Vernon",
    # Windham County
    "Abington": "Pomfret",
    "Ballouville": "Killingly",
    "Central Village": "Plainfield",
    "Danielson": "Killingly",
    "Dayville": "Killingly",
    "East Killingly": "Killingly",
    "East Woodstock": "Woodstock",
    "Fabyan": "Thompson",
    "Grosvenor Dale": "Thompson",
    "Moosup": "Plainfield",
    "North Grosvenordale": "Thompson",
    "North Windham": "Windham",
    "Oneco": "Sterling",
    "Pomfret Center": "Pomfret",
    "Quinebaug": "Thompson",
    "Rogers": "Killingly",
    "South Windham": "Windham",
    "South Woodstock": "Woodstock",
    "Wauregan": "Plainfield",
    "Willimantic": "Windham",
    "Woodstock Valley": "Woodstock",
    # New London County
    "Baltic": "Sprague",
    "Gales Ferry": "Ledyard",
    "Gilman": "Bozrah",
    "Hadlyme": "East Haddam",
    "Hanover": "Sprague",
    "Jewett City": "Griswold",
    "Mashantucket": "Ledyard",
    "Mystic": "Groton",
    "Niantic": "East Lyme",
    "North Franklin": "Franklin",
    "North Westchester": "Colchester",
    "Oakdale": "Montville",
    "Old Mystic": "Stonington",
    "Pawcatuck": "Stonington",
    "Quaker Hill": "Waterford",
    "South Lyme": "Old Lyme",
    "Taftville": "Norwich",
    "Uncasville": "Montville",
    "Versailles": "Sprague",
    "West Mystic": "Groton",
    "Yantic": "Norwich",
    # Middlesex County
    "Centerbrook": "Essex",
    "Cobalt": "East Hampton",
    "Higganum": "Haddam",
    "Ivoryton": "Essex",
    "Middle Haddam": "East Hampton",
    "Moodus": "East Haddam",
    "Rockfall": "Middlefield",
    # New Haven County
    "Northford": "North Branford",
    "South Britain": "Southbury",
    # Fairfield County
    "Botsford": "Newtown",
    "Cos Cob": "Greenwich",
    "Georgetown": "Redding",
    "Greens Farms": "Westport",
    "Hawleyville": "Newtown",
    "Old Greenwich": "Greenwich",
    "Redding Center": "Redding",
    "Redding Ridge": "Redding",
    "Riverside": "Greenwich",
    "Sandy Hook": "Newtown",
    "Southport": "Fairfield",
    "Stevenson": "Monroe",
}

# ZIPs that serve more than one town: the full list of towns for that ZIP
# (replaces the postal-city mapping above).
MULTI_TOWN_ZIPS = {
    "06018": ["North Canaan", "Canaan"],        # Canaan village; reaches into the town of Canaan
    "06076": ["Stafford", "Union"],             # Union has no post office of its own
    "06105": ["Hartford", "West Hartford"],     # West End / Asylum Hill; USPS accepts West Hartford
    "06239": ["Killingly", "Brooklyn"],         # Danielson; East Brooklyn uses it
    "06351": ["Griswold", "Lisbon"],            # Jewett City; Lisbon has no post office of its own
    "06355": ["Groton", "Stonington"],          # Mystic straddles the Mystic River
    "06371": ["Old Lyme", "Lyme"],              # Lyme has no standard ZIP of its own
    "06372": ["Stonington", "Groton"],          # Old Mystic, head of the Mystic River
    "06424": ["East Hampton", "Haddam"],        # Haddam Neck (Haddam, east of the river)
    "06439": ["East Haddam", "Lyme"],           # Hadlyme village spans both towns
    "06511": ["New Haven", "Hamden"],           # USPS accepts Hamden
    "06512": ["East Haven", "New Haven"],       # Annex / Morris Cove are in New Haven
    "06513": ["New Haven", "East Haven"],       # Fair Haven Heights; USPS accepts East Haven
    "06705": ["Waterbury", "Wolcott"],          # USPS accepts Wolcott
    "06754": ["Cornwall", "Warren"],            # Warren has no post office of its own
    "06777": ["Washington", "Warren"],          # New Preston; Lake Waramaug area
    "06778": ["Litchfield", "Thomaston"],       # Northfield; USPS accepts Thomaston
    "06829": ["Redding", "Weston", "Wilton"],   # Georgetown village spans three towns
}

# ZIPs whose mapping a reviewer should check. The mapping used is the one
# above; the note says what is doubtful.
UNCERTAIN_ZIPS = {
    "06013": "Burlington; USPS also accepts Unionville, may reach into Farmington",
    "06018": "listed under North Canaan and Canaan; extent into the town of Canaan (and Salisbury/Norfolk) not confirmed",
    "06063": "listed under Barkhamsted only; USPS also accepts Winsted, may reach into Winchester",
    "06105": "listed under Hartford and West Hartford; size of the West Hartford part not confirmed",
    "06372": "Old Mystic PO boxes; listed under Stonington and Groton (village straddles the river), Ledyard not excluded",
    "06478": "listed under Oxford only; USPS also accepts Seymour, may reach into Seymour",
    "06511": "listed under New Haven and Hamden; Hamden part inferred from USPS acceptable name",
    "06513": "listed under New Haven and East Haven; East Haven part inferred from USPS acceptable name",
    "06705": "listed under Waterbury and Wolcott; Wolcott part inferred from USPS acceptable name",
    "06777": "listed under Washington and Warren; Warren part inferred from USPS acceptable name",
    "06778": "Northfield (Litchfield); Thomaston part inferred from USPS acceptable name, Harwinton not excluded",
}

ZIP_RE = re.compile(r"^06\d{3}$")


def build() -> tuple[dict[str, list[str]], dict]:
    """Return ({town: sorted zips}, stats)."""
    town_set = set(TOWNS)
    assert len(TOWNS) == 169 and len(town_set) == 169, "need exactly 169 distinct towns"
    for table in (VILLAGE_TO_TOWN.values(),
                  [t for ts in MULTI_TOWN_ZIPS.values() for t in ts]):
        unknown = set(table) - town_set
        assert not unknown, f"mapping names non-towns: {sorted(unknown)}"

    records = zipcodes.filter_by(state="CT")
    active = [r for r in records if r.get("active", True)]
    skipped = sorted(r["zip_code"] for r in records if not r.get("active", True))

    by_town: dict[str, set[str]] = {t: set() for t in TOWNS}
    unmapped = []
    for r in active:
        z = r["zip_code"]
        assert ZIP_RE.match(z), f"not a CT ZIP: {z}"
        if z in MULTI_TOWN_ZIPS:
            towns = MULTI_TOWN_ZIPS[z]
        else:
            city = r["city"]
            town = VILLAGE_TO_TOWN.get(city, city)
            if town not in town_set:
                unmapped.append(f"{z} {city}")
                continue
            towns = [town]
        for t in towns:
            by_town[t].add(z)
    assert not unmapped, f"postal cities with no town mapping: {unmapped}"

    active_zips = {r["zip_code"] for r in active}
    for z in list(MULTI_TOWN_ZIPS) + list(UNCERTAIN_ZIPS):
        assert z in active_zips, f"table names a ZIP the package does not list as active: {z}"

    empty = [t for t, zs in by_town.items() if not zs]
    assert not empty, f"towns with no ZIP: {empty}"

    result = {t: sorted(by_town[t]) for t in sorted(TOWNS)}
    counts: dict[str, int] = {}
    for zs in result.values():
        for z in zs:
            counts[z] = counts.get(z, 0) + 1
    stats = {
        "towns": len(result),
        "distinct_zips": len(counts),
        "multi_town_zips": sorted(z for z, n in counts.items() if n > 1),
        "skipped_inactive": skipped,
        "uncertain": len(UNCERTAIN_ZIPS),
    }
    assert len(counts) == len(active_zips)
    return result, stats


def render(result: dict[str, list[str]]) -> str:
    out = [
        "# Connecticut's 169 towns with their ZIP codes.",
        "# Generated by tools/gen_ct_towns.py from the `zipcodes` package (USPS data)"
        " plus a village-to-town table.",
        "# Includes standard, PO-box and unique ZIPs; ZIPs the package marks inactive are left out.",
        "# A ZIP that serves more than one town is listed under each of them.",
        f'source: "USPS ZIP data via the zipcodes package {ZIPCODES_VERSION} (PyPI);'
        ' village-to-town mapping compiled by cone"',
        f'as_of: "{AS_OF}"',
        "status: unverified   # ZIP-to-town mapping is a draft: a reviewer should check multi-town ZIPs",
        "uncertain_zips:",
    ]
    for z in sorted(UNCERTAIN_ZIPS):
        note = UNCERTAIN_ZIPS[z].replace('"', "'")
        out.append(f'  - {{zip: "{z}", note: "{note}"}}')
    out.append("towns:")
    for town, zs in result.items():
        out.append(f"  - name: {town}")
        out.append("    zips: [" + ", ".join(f'"{z}"' for z in zs) + "]")
    return "\n".join(out) + "\n"


def check(text: str) -> None:
    data = yaml.safe_load(text)
    towns = data["towns"]
    assert len(towns) == 169
    names = [t["name"] for t in towns]
    assert names == sorted(names) and set(names) == set(TOWNS)
    for t in towns:
        assert t["zips"], t["name"]
        for z in t["zips"]:
            assert isinstance(z, str) and ZIP_RE.match(z), (t["name"], z)
    by_name = {t["name"]: set(t["zips"]) for t in towns}
    assert {"06333", "06357"} <= by_name["East Lyme"]
    assert {"06103", "06106"} <= by_name["Hartford"]
    assert "06902" in by_name["Stamford"]
    for u in data["uncertain_zips"]:
        assert ZIP_RE.match(u["zip"]) and u["note"]


def main(argv: list[str] | None = None) -> int:
    default = Path(__file__).resolve().parent.parent / "forms" / "ct" / "towns.yaml"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=default)
    args = ap.parse_args(argv)

    result, stats = build()
    text = render(result)
    check(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}: {stats['towns']} towns, {stats['distinct_zips']} distinct ZIPs, "
          f"{len(stats['multi_town_zips'])} under more than one town "
          f"({', '.join(stats['multi_town_zips'])}), {stats['uncertain']} uncertain; "
          f"skipped inactive: {', '.join(stats['skipped_inactive'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
