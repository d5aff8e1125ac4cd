"""The demo edition that `make run` seeds in an empty data folder: voting open now, with ten
finalists (confirmed and accepted nominations of made-up Flemish social innovations), sent
to voting and jury like a staff choice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.editions import create_edition
from services.nominations.finalists import set_finalists
from services.nominations.models import Decision, Edition, Nomination, Nominator
from services.nominations.nominations import innovation_keys
from shared.models import utcnow
from shared.people import normalise

DEMO_SLUG = "demo"
DEMO_STAFF = "demo"
# (nominee_name, organisation, region, theme, problem, solution, impact)
INNOVATIONS = (
    (
        "Energiebib",
        "Vzw Warm Wonen",
        "Antwerpen",
        "energie",
        "Gezinnen met een klein budget wonen vaak in slecht geïsoleerde huizen en betalen te "
        "veel voor energie.",
        "Een bibliotheek waar gezinnen energiemeters, zuinige toestellen en isolatiemateriaal "
        "lenen, met een energiecoach die thuis mee komt kijken.",
        "Driehonderd gezinnen in Borgerhout verbruikten het eerste jaar samen een vijfde "
        "minder energie.",
    ),
    (
        "Buurtkeuken De Pollepel",
        "De Pollepel cv",
        "Oost-Vlaanderen",
        "voeding",
        "Oudere buurtbewoners eten vaak alleen en ongezond, en voedseloverschotten van "
        "handelaars worden weggegooid.",
        "Een buurtkeuken die overschotten van Gentse handelaars kookt tot betaalbare maaltijden, "
        "met vrijwilligers en mensen in een leertraject achter het fornuis.",
        "Elke week 600 maaltijden, 4 ton gered voedsel per maand en 12 koks die werk vonden.",
    ),
    (
        "Fietsbieb Kortrijk",
        "Vzw Trappers",
        "West-Vlaanderen",
        "mobiliteit",
        "Kinderen ontgroeien hun fiets snel, en voor veel gezinnen is een nieuwe fiets te duur.",
        "Een uitleendienst waar gezinnen voor een klein jaarbedrag een kinderfiets lenen en "
        "omruilen als hun kind groeit; vrijwilligers herstellen de fietsen.",
        "Meer dan 900 kinderen fietsen nu naar school, en 2000 fietsen kregen een tweede leven.",
    ),
    (
        "Zorgzame Buurten Genk",
        "Buurtwerk Limburg vzw",
        "Limburg",
        "zorg",
        "Ouderen die thuis willen blijven wonen, raken geïsoleerd en vinden de weg naar hulp niet.",
        "Buurtbewoners worden 'buurtbabbelaars' die wekelijks bij ouderen langsgaan en samen "
        "met de wijkverpleging signalen oppikken.",
        "In vier wijken kregen 450 ouderen een vast aanspreekpunt; opnames in crisis daalden.",
    ),
    (
        "Huiswerkhuis Molenbeek",
        "Vzw Leerkracht",
        "Brussel",
        "onderwijs",
        "Kinderen van wie de ouders de schooltaal niet spreken, krijgen thuis weinig hulp bij "
        "hun huiswerk.",
        "Studenten begeleiden elke schooldag kinderen bij hun huiswerk in een buurthuis, en "
        "ouders leren er hoe ze hun kind kunnen steunen.",
        "240 kinderen per jaar; negen op tien halen hun attest, tegenover zes op tien eerder.",
    ),
    (
        "Klusjesdienst Werkplek",
        "Werkplek cv",
        "Vlaams-Brabant",
        "werk",
        "Langdurig werkzoekenden vinden moeilijk een eerste werkervaring, en ouderen vinden "
        "geen vakman voor kleine klussen.",
        "Een coöperatieve klusjesdienst waarin werkzoekenden onder begeleiding van een "
        "gepensioneerde vakman kleine herstellingen doen bij ouderen.",
        "35 mensen vonden via de klusjesdienst vast werk; 1200 klussen per jaar.",
    ),
    (
        "Samenhuis Leuven",
        "Vzw Dak",
        "Vlaams-Brabant",
        "wonen",
        "Jonge vluchtelingen die 18 worden, moeten hun opvang verlaten en vinden geen "
        "betaalbare woning.",
        "Een samenhuis waar jonge nieuwkomers en studenten samenwonen, met een buddy die helpt "
        "bij school, werk en papierwerk.",
        "Sinds de start vonden 80 jongeren na hun verblijf een eigen woning of een opleiding.",
    ),
    (
        "Repair Lab Oostende",
        "Vzw Tweede Leven",
        "West-Vlaanderen",
        "klimaat",
        "Kapotte toestellen belanden bij het afval, terwijl herstellen duur en onbekend is.",
        "Een vaste herstelplaats waar buurtbewoners samen met vrijwillige herstellers "
        "toestellen, kleren en fietsen repareren, en leren hoe het moet.",
        "Elk jaar 3000 herstellingen en 15 ton afval minder; 60 vaste vrijwilligers.",
    ),
    (
        "Gebarenpunt",
        "Doof en Sterk vzw",
        "Oost-Vlaanderen",
        "inclusie",
        "Dove mensen raken moeilijk aan een afspraak bij de dokter of de gemeente zonder tolk.",
        "Een tolkdienst op afstand via videogesprek, op enkele minuten geregeld, betaald per "
        "gesprek door de dienst die de dove burger ontvangt.",
        "14 gemeenten en 3 ziekenhuizen doen mee; 5000 gesprekken in het eerste jaar.",
    ),
    (
        "Moestuin van Iedereen",
        "Vzw Groene Vingers",
        "Antwerpen",
        "samenleven",
        "In dichtbebouwde wijken ontmoeten bewoners van verschillende achtergronden elkaar "
        "zelden en is er weinig groen.",
        "Braakliggende gronden worden tijdelijke moestuinen, beheerd door buurtbewoners, met "
        "kookmomenten en een ruilkast voor zaden.",
        "Zes tuinen, 400 tuiniers uit 40 landen, en een buurtcomité dat zelf verder werkt.",
    ),
)


def seed_demo(session: Session) -> bool:
    """Create the demo edition, with voting and jury open now and ten finalists, unless any
    edition exists."""
    if session.scalar(select(Edition.id).limit(1)) is not None:
        return False
    now = utcnow().replace(microsecond=0)
    day = dt.timedelta(days=1)
    edition = create_edition(
        session,
        {
            "slug": DEMO_SLUG,
            "title": "Radicale Vernieuwers (demo)",
            "timezone": "Europe/Brussels",
            "nominations_open": now - 28 * day,
            "nominations_close": now - 14 * day,
            "voting_open": now - dt.timedelta(hours=1),
            "voting_close": now + 14 * day,
            "jury_close": now + 21 * day,
            "finalist_count": 10,
            "public_tally": True,
            "tie_break": "other_award",
        },
    )
    ids = [
        _accepted(session, edition, n, item, now - 20 * day) for n, item in enumerate(INNOVATIONS)
    ]
    set_finalists(session, edition, ids, DEMO_STAFF)
    return True


def _accepted(session: Session, edition: Edition, n: int, item: tuple, when: dt.datetime) -> str:
    fields = ("nominee_name", "organisation", "region", "theme", "problem", "solution", "impact")
    data = dict(zip(fields, item, strict=True)) | {"nominee_email": f"info{n}@voorbeeld.be"}
    nomination = Nomination(
        **data,
        **innovation_keys(data),
        edition_id=edition.id,
        status="accepted",
        nomination_count=1,
        created_at=when,
        confirmed_at=when,
        decided_at=when,
    )
    session.add(nomination)
    session.flush()
    session.add(
        Nominator(
            nomination_id=nomination.id,
            name="Demo",
            email=data["nominee_email"],
            email_key=normalise(data["nominee_email"]),
            texts=data,
            created_at=when,
            confirmed_at=when,
        )
    )
    session.add(
        Decision(
            nomination_id=nomination.id,
            from_status="submitted",
            status="accepted",
            staff=DEMO_STAFF,
            decided_at=when,
        )
    )
    return nomination.id
