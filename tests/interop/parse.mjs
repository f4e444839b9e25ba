// Reads a JSON array of iCalendar texts on stdin and prints, as a JSON array, what Mozilla's
// ical.js (Thunderbird's parser) reads from each: a second opinion next to Python's icalendar.
//
// Each calendar is read on its own: the time zone service is emptied and given only that
// calendar's VTIMEZONEs, so an invite that lacks its VTIMEZONE shows up as a "floating" zone
// instead of borrowing one from another invite.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// An ORGANIZER or ATTENDEE: the address and its parameters (cn, role, partstat, rsvp …).
function address(property) {
  const [, params, , value] = property.toJSON();
  return { value, params };
}

function instant(vevent, name) {
  const time = vevent.getFirstPropertyValue(name);
  // A floating time (zone unresolved) would be read in this process's local zone; the caller
  // runs us with TZ=UTC and checks `zone`, so such a time cannot pass by accident.
  return { utc: time.toJSDate().toISOString(), zone: time.zone.tzid };
}

// A refresh hint read as ical.js reads a DURATION (RFC 5545 3.3.6); null when it cannot.
function seconds(property) {
  if (!property) {
    return null;
  }
  const text = String(property.getFirstValue());
  if (!/^[+-]?P/.test(text)) {
    return null;
  }
  return ICAL.Duration.fromString(text).toSeconds();
}

function read(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  const vtimezones = calendar.getAllSubcomponents("vtimezone");
  for (const vtimezone of vtimezones) {
    ICAL.TimezoneService.register(vtimezone);
  }
  return {
    method: calendar.getFirstPropertyValue("method"),
    timezones: vtimezones.map((vtimezone) => vtimezone.getFirstPropertyValue("tzid")),
    published_ttl_seconds: seconds(calendar.getFirstProperty("x-published-ttl")),
    events: calendar.getAllSubcomponents("vevent").map((vevent) => {
      const organizer = vevent.getFirstProperty("organizer");
      return {
        uid: vevent.getFirstPropertyValue("uid"),
        sequence: vevent.getFirstPropertyValue("sequence"),
        status: vevent.getFirstPropertyValue("status"),
        summary: vevent.getFirstPropertyValue("summary"),
        location: vevent.getFirstPropertyValue("location"),
        // Only where there is one: the meeting link of someone taking part online.
        ...(vevent.hasProperty("url") ? { url: vevent.getFirstPropertyValue("url") } : {}),
        dtstart: instant(vevent, "dtstart"),
        dtend: instant(vevent, "dtend"),
        dtstart_tzid: vevent.getFirstProperty("dtstart").getParameter("tzid") ?? null,
        organizer: organizer ? address(organizer) : null,
        attendees: vevent.getAllProperties("attendee").map(address),
      };
    }),
  };
}

const texts = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(texts.map(read)));
