#!/usr/bin/env python3
"""Generate forms/ct/towns.yaml: Connecticut's 169 towns, their ZIP codes and their villages.

A (town, ZIP) pair comes from the 2020 Census ZCTA-to-town relationship file in
shared/domain/data (ct-zip-town-census2020.csv) when at least THRESHOLD residents of the town
live in that ZIP: below it, an address would be rare enough that the checklist's ZIP/town
warning is worth a second look. PO-box and unique ZIPs have no ZCTA: they come from the
`zipcodes` package (USPS data, offline), under the town of their USPS place name. Villages
come from the Census place list (ct-village-town-census2020.csv) and the USPS place names,
so that an address written with a village name gets its town suggested.

Requires `zipcodes==3.0.0` and `pyyaml` (a throwaway venv will do). Usage:

    python tools/gen_ct_towns.py [--data ../shared/domain/data] [-o FILE]
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml
import zipcodes

ZIPCODES_VERSION = "3.0.0"
AS_OF = "2026-12-02"

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

THRESHOLD = 25          # residents of the town in the ZIP (2020 Census) for the pair to be listed
CENSUS_AS_OF = "2026-12-02"
ZIP_RE = re.compile(r"^06\d{3}$")
PLACE_SUFFIX = re.compile(r" (CDP|city|borough|town)( \(.*\))?$")


def census_pairs(data: Path) -> tuple[dict[str, dict[str, float]], set[str]]:
    """{zip: {town: residents}} of the Census file, and every ZIP it has (its ZCTAs)."""
    pairs: dict[str, dict[str, float]] = defaultdict(dict)
    with open(data / "ct-zip-town-census2020.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pairs[row["zip"]][row["town"]] = float(row["inter_pop"])
    return pairs, set(pairs)


def census_villages(data: Path) -> dict[str, dict[str, float]]:
    """{village name: {town: residents}} from the Census place list, places named as towns left out."""
    villages: dict[str, dict[str, float]] = defaultdict(dict)
    with open(data / "ct-village-town-census2020.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = PLACE_SUFFIX.sub("", row["place"])
            if name not in TOWNS:
                villages[name][row["town"]] = float(row["overlap_pop"])
    return villages


def build(data: Path) -> tuple[dict[str, list[str]], list[dict], list[dict], dict]:
    """({town: sorted zips}, villages, uncertain ZIP notes, stats)."""
    town_set = set(TOWNS)
    assert len(TOWNS) == 169 and len(town_set) == 169, "need exactly 169 distinct towns"
    assert not set(VILLAGE_TO_TOWN.values()) - town_set, "village table names a non-town"
    pairs, zctas = census_pairs(data)
    assert {t for ts in pairs.values() for t in ts} == town_set, "the Census file should cover the 169 towns"

    by_town: dict[str, set[str]] = {t: set() for t in TOWNS}
    uncertain = []
    for z, towns in sorted(pairs.items()):
        assert ZIP_RE.match(z), z
        kept = {t for t, people in towns.items() if people >= THRESHOLD}
        if not kept:      # a ZCTA with only a handful of residents: keep its largest town
            kept = {max(towns, key=towns.get)}
        for t in kept:
            by_town[t].add(z)
        dropped = sorted(t for t in towns if t not in kept and towns[t] > 0)
        if dropped:
            uncertain.append({"zip": z, "note": "also " + ", ".join(f"{int(towns[t])} residents in {t}" for t in dropped)
                              + f" (below the threshold of {THRESHOLD}: an address there gets a warning to check)"})

    records = [r for r in zipcodes.filter_by(state="CT") if r.get("active", True)]
    po_boxes = []
    for r in records:
        z = r["zip_code"]
        if z in zctas:
            continue
        town = VILLAGE_TO_TOWN.get(r["city"], r["city"])
        assert town in town_set, f"USPS place with no town mapping: {z} {r['city']}"
        by_town[town].add(z)
        po_boxes.append(z)

    villages: dict[str, dict[str, float]] = census_villages(data)
    for name, town in VILLAGE_TO_TOWN.items():
        if name not in villages and name not in town_set:
            villages[name] = {town: 0.0}          # a USPS place name without a Census place
    village_list = [{"name": name, "towns": sorted(t for t in towns)} for name, towns in sorted(villages.items())]

    empty = [t for t, zs in by_town.items() if not zs]
    assert not empty, f"towns with no ZIP: {empty}"
    result = {t: sorted(by_town[t]) for t in sorted(TOWNS)}
    counts: dict[str, int] = defaultdict(int)
    for zs in result.values():
        for z in zs:
            counts[z] += 1
    stats = {"towns": len(result), "distinct_zips": len(counts), "po_box_zips": len(po_boxes),
             "multi_town_zips": sum(1 for n in counts.values() if n > 1), "villages": len(village_list),
             "uncertain": len(uncertain)}
    return result, village_list, uncertain, stats


def render(result: dict[str, list[str]], villages: list[dict], uncertain: list[dict]) -> str:
    out = [
        "# Connecticut's 169 towns with their ZIP codes, and the villages an address may name instead.",
        "# Generated by tools/gen_ct_towns.py: do not edit by hand. A (town, ZIP) pair is listed when at least",
        f"# {THRESHOLD} residents of the town live in the ZIP (2020 Census ZCTA-to-town file); PO-box and unique",
        "# ZIPs (no ZCTA) come from USPS data under the town of their place name. A ZIP shared by towns is",
        "# listed under each. Villages: Census designated places and USPS place names, with their towns.",
        f'source: "U.S. Census Bureau 2020 ZCTA-to-county-subdivision and place-to-county-subdivision files'
        f' (shared/domain/data); USPS ZIP data via the zipcodes package {ZIPCODES_VERSION}"',
        f'as_of: "{CENSUS_AS_OF}"',
        "uncertain_zips:",
    ]
    for u in uncertain:
        out.append(f'  - {{zip: "{u["zip"]}", note: "{u["note"]}"}}')
    out.append("villages:")
    for v in villages:
        out.append(f'  - {{name: "{v["name"]}", towns: [' + ", ".join(f'"{t}"' for t in v["towns"]) + "]}")
    out.append("towns:")
    for town, zs in result.items():
        out.append(f"  - name: {town}")
        out.append("    zips: [" + ", ".join(f'"{z}"' for z in zs) + "]")
    return "\n".join(out) + "\n"


def check(text: str) -> None:
    data = yaml.safe_load(text)
    names = [t["name"] for t in data["towns"]]
    assert names == sorted(names) and set(names) == set(TOWNS)
    by_name = {t["name"]: set(t["zips"]) for t in data["towns"]}
    assert {"06333", "06357"} <= by_name["East Lyme"] and "06247" in by_name["Scotland"]
    assert "06778" not in by_name["Thomaston"] and "06778" in by_name["Litchfield"]
    every = {z for zs in by_name.values() for z in zs}
    assert "06390" not in every and "06999" not in every


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=root.parent / "shared" / "domain" / "data")
    ap.add_argument("-o", "--output", type=Path, default=root / "forms" / "ct" / "towns.yaml")
    args = ap.parse_args(argv)
    result, villages, uncertain, stats = build(args.data)
    text = render(result, villages, uncertain)
    check(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}: {stats}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
