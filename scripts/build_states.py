"""Build src/uprlens/lexicons/states.csv: the registry of UN member and observer states.

Run once by a maintainer (``python scripts/build_states.py``); the CSV is committed and is
what uprlens reads. Sources: pycountry (ISO 3166 codes and names), a curated table of UN
names and the spellings found in UPR documents and exports (below), and the UPR Info export
for each state's UN regional group and organisations (as UPR Info codes them).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/uprlens/lexicons/states.csv"
UPRINFO = ROOT.parent / "shared/data/uprinfo/recommendations_s1-20.csv"

# UN official short names (the spelling of UN documents) where they differ from pycountry.
UN_NAMES = {
    "BOL": "Bolivia (Plurinational State of)",
    "BRN": "Brunei Darussalam",
    "CIV": "Côte d'Ivoire",
    "COD": "Democratic Republic of the Congo",
    "COG": "Congo",
    "CPV": "Cabo Verde",
    "CZE": "Czechia",
    "FSM": "Micronesia (Federated States of)",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "IRN": "Iran (Islamic Republic of)",
    "KOR": "Republic of Korea",
    "LAO": "Lao People's Democratic Republic",
    "MDA": "Republic of Moldova",
    "MKD": "North Macedonia",
    "PRK": "Democratic People's Republic of Korea",
    "PSE": "State of Palestine",
    "RUS": "Russian Federation",
    "SWZ": "Eswatini",
    "SYR": "Syrian Arab Republic",
    "TUR": "Türkiye",
    "TZA": "United Republic of Tanzania",
    "USA": "United States of America",
    "VAT": "Holy See",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "VNM": "Viet Nam",
    "NLD": "Netherlands (Kingdom of the)",
}

# Spellings found in UPR documents and exports (UPR Info, OHCHR matrices, WG reports,
# UHRI). Matching is also insensitive to case, accents, apostrophe style, "&"/"and",
# "St"/"Saint" and a leading "the", so only real variants need listing here.
ALIASES = {
    "ATG": ["Antigua & Barbuda"],
    "BIH": ["Bosnia & Herzegovina"],
    "BOL": ["Bolivia", "Plurinational State of Bolivia", "Bolivia (Plurinational S tate of)"],
    "CIV": ["Cote d'Ivoire", "Ivory Coast"],
    "COD": [
        "Democratic Republic of Congo",
        "DR Congo",
        "DRC",
        "Congo (Democratic Republic of the)",
    ],
    "COG": ["Republic of Congo", "Republic of the Congo", "Congo (Republic of)"],
    "CPV": ["Cape Verde"],
    "CZE": ["Czech Republic"],
    "FSM": ["Micronesia", "Federated States of Micronesia"],
    "GBR": [
        "United Kingdom",
        "UK",
        "Great Britain",
        "United Kingdom of Great Britain & Northern Ireland",
    ],
    "GNB": ["Guinea Bissau"],
    "IRN": ["Iran", "Islamic Republic of Iran"],
    "KOR": ["South Korea", "Korea (Republic of)", "Korea, Republic of"],
    "LAO": ["Laos", "Lao PDR"],
    "MDA": ["Moldova", "Moldova (Republic of)"],
    "MKD": [
        "Macedonia FYR",
        "The former Yugoslav Republic of Macedonia",
        "Macedonia",
        "FYR Macedonia",
        "Former Yugoslav Republic of Macedonia",
    ],
    "NLD": ["Netherlands", "Kingdom of the Netherlands", "The Netherlands"],
    "PRK": ["DPR Korea", "DPRK", "North Korea", "Korea (Democratic People's Republic of)"],
    "PSE": ["Palestine", "Palestine, State of", "Occupied Palestinian Territory"],
    "RUS": ["Russia"],
    "SWZ": ["Swaziland", "Kingdom of Eswatini"],
    "SYR": ["Syria"],
    "STP": ["Sao Tome & Principe", "Sao Tome and Principe"],
    "KNA": ["St Kitts & Nevis", "St Kitts and Nevis"],
    "LCA": ["St Lucia"],
    "VCT": ["St Vincent & the Grenadines", "St Vincent and the Grenadines"],
    "TLS": ["East Timor"],
    "TTO": ["Trinidad & Tobago"],
    "TUR": ["Turkey", "Turkiye"],
    "TZA": ["Tanzania"],
    "USA": ["United States", "US", "USA"],
    "VAT": ["Vatican", "Holy See (Vatican City State)"],
    "VEN": ["Venezuela", "Bolivarian Republic of Venezuela"],
    "VNM": ["Vietnam"],
    "BRN": ["Brunei"],
    "SLE": ["Sierra Le one"],
    "ARE": ["UAE"],
    "LBY": ["Libyan Arab Jamahiriya"],
}

UN_MEMBERS = set(
    [
        "AFG",
        "ALB",
        "DZA",
        "AND",
        "AGO",
        "ATG",
        "ARG",
        "ARM",
        "AUS",
        "AUT",
        "AZE",
        "BHS",
        "BHR",
        "BGD",
        "BRB",
        "BLR",
        "BEL",
        "BLZ",
        "BEN",
        "BTN",
        "BOL",
        "BIH",
        "BWA",
        "BRA",
        "BRN",
        "BGR",
        "BFA",
        "BDI",
        "CPV",
        "KHM",
        "CMR",
        "CAN",
        "CAF",
        "TCD",
        "CHL",
        "CHN",
        "COL",
        "COM",
        "COG",
        "CRI",
        "CIV",
        "HRV",
        "CUB",
        "CYP",
        "CZE",
        "PRK",
        "COD",
        "DNK",
        "DJI",
        "DMA",
        "DOM",
        "ECU",
        "EGY",
        "SLV",
        "GNQ",
        "ERI",
        "EST",
        "SWZ",
        "ETH",
        "FJI",
        "FIN",
        "FRA",
        "GAB",
        "GMB",
        "GEO",
        "DEU",
        "GHA",
        "GRC",
        "GRD",
        "GTM",
        "GIN",
        "GNB",
        "GUY",
        "HTI",
        "HND",
        "HUN",
        "ISL",
        "IND",
        "IDN",
        "IRN",
        "IRQ",
        "IRL",
        "ISR",
        "ITA",
        "JAM",
        "JPN",
        "JOR",
        "KAZ",
        "KEN",
        "KIR",
        "KWT",
        "KGZ",
        "LAO",
        "LVA",
        "LBN",
        "LSO",
        "LBR",
        "LBY",
        "LIE",
        "LTU",
        "LUX",
        "MDG",
        "MWI",
        "MYS",
        "MDV",
        "MLI",
        "MLT",
        "MHL",
        "MRT",
        "MUS",
        "MEX",
        "FSM",
        "MCO",
        "MNG",
        "MNE",
        "MAR",
        "MOZ",
        "MMR",
        "NAM",
        "NRU",
        "NPL",
        "NLD",
        "NZL",
        "NIC",
        "NER",
        "NGA",
        "MKD",
        "NOR",
        "OMN",
        "PAK",
        "PLW",
        "PAN",
        "PNG",
        "PRY",
        "PER",
        "PHL",
        "POL",
        "PRT",
        "QAT",
        "KOR",
        "MDA",
        "ROU",
        "RUS",
        "RWA",
        "KNA",
        "LCA",
        "VCT",
        "WSM",
        "SMR",
        "STP",
        "SAU",
        "SEN",
        "SRB",
        "SYC",
        "SLE",
        "SGP",
        "SVK",
        "SVN",
        "SLB",
        "SOM",
        "ZAF",
        "SSD",
        "ESP",
        "LKA",
        "SDN",
        "SUR",
        "SWE",
        "CHE",
        "SYR",
        "TJK",
        "THA",
        "TLS",
        "TGO",
        "TON",
        "TTO",
        "TUN",
        "TUR",
        "TKM",
        "TUV",
        "UGA",
        "UKR",
        "ARE",
        "GBR",
        "TZA",
        "USA",
        "URY",
        "UZB",
        "VUT",
        "VEN",
        "VNM",
        "YEM",
        "ZMB",
        "ZWE",
    ]
)
OBSERVERS = {"VAT", "PSE"}

# UN regional groups for states UPR Info never lists as State under Review.
GROUP_FALLBACK = {"VAT": "Observer", "PSE": "Observer", "SSD": "Africa"}


def main() -> int:
    sur_group: dict[str, Counter[str]] = defaultdict(Counter)
    sur_orgs: dict[str, Counter[str]] = defaultdict(Counter)
    names_by_iso: dict[str, set[str]] = defaultdict(set)
    from_export: list[tuple[str, str, str]] = []
    if UPRINFO.exists():
        with UPRINFO.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                from_export.append(
                    (row["state_under_review"], row["sur_regional_group"], row["sur_organisations"])
                )
                from_export.append(
                    (row["recommending_state"], row["rs_regional_group"], row["rs_organisations"])
                )
    alias_to_iso = {a.casefold(): iso for iso, al in ALIASES.items() for a in al}
    for iso in UN_MEMBERS | OBSERVERS:
        alias_to_iso.setdefault(UN_NAMES.get(iso, "").casefold(), iso)
    for name, group, orgs in from_export:
        iso = alias_to_iso.get(name.casefold())
        if iso is None:
            try:
                iso = pycountry.countries.lookup(name).alpha_3
            except LookupError:
                continue
        names_by_iso[iso].add(name)
        if group and "Unknown" not in group:
            sur_group[iso][group] += 1
            sur_orgs[iso][orgs] += 1

    rows = []
    for iso in sorted(UN_MEMBERS | OBSERVERS):
        country = pycountry.countries.get(alpha_3=iso)
        assert country is not None, iso
        un_name = UN_NAMES.get(iso, country.name)
        aliases = set(ALIASES.get(iso, [])) | names_by_iso.get(iso, set())
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                aliases.add(value)
        aliases.discard(un_name)
        group = (
            sur_group[iso].most_common(1)[0][0] if sur_group[iso] else GROUP_FALLBACK.get(iso, "")
        )
        orgs = sur_orgs[iso].most_common(1)[0][0] if sur_orgs[iso] else ""
        rows.append(
            {
                "iso3": iso,
                "un_name": un_name,
                "status": "observer" if iso in OBSERVERS else "member",
                "regional_group": group,
                "organisations": "; ".join(o.strip() for o in orgs.split(",") if o.strip()),
                "aliases": "; ".join(sorted(aliases)),
            }
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    missing = [r["iso3"] for r in rows if not r["regional_group"]]
    print(f"wrote {len(rows)} states to {OUT}; without regional group: {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
