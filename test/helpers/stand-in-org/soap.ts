/**
 * @module The SOAP envelope of the Metadata API as jsforce sends and reads it (org-mode.md §0.5, §1.2):
 *  - requests: `POST /services/Soap/m/{version}`, `SOAPAction: ""`, the session only in
 *    `Header › SessionHeader › sessionId`; the operation is the first child of `Body`;
 *  - responses: `text/xml;charset=UTF-8`, every namespace declared on the prefixed `soapenv:Envelope`
 *    and **no attribute on `soapenv:Body`** (an attribute there makes jsforce silently read the wrong
 *    child), children unprefixed in the metadata namespace, as real-org XML is;
 *  - faults: HTTP 500, `<faultcode>sf:CODE</faultcode><faultstring>CODE: text</faultstring>`.
 */
import { XMLParser } from "fast-xml-parser";

/** A request parsed: the session id, the operation (first Body child) and its children. */
export interface SoapRequest {
  sessionId: string | undefined;
  operation: string;
  body: Record<string, unknown>;
}

/** A SOAP fault to answer with HTTP 500 (`sf:` + code). */
export class SoapFault extends Error {
  constructor(
    readonly code: string,
    readonly text: string,
  ) {
    super(`${code}: ${text}`);
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

/** Parses a request envelope; anything else is a SoapFault `UNKNOWN_EXCEPTION` (the stand-in's choice: no public text for a malformed envelope). */
export function parseSoapRequest(xml: string): SoapRequest {
  let envelope: Record<string, unknown> | undefined;
  try {
    envelope = (parser.parse(xml) as Record<string, Record<string, unknown>>)["Envelope"];
  } catch {
    envelope = undefined;
  }
  const body = envelope?.["Body"] as Record<string, unknown> | undefined;
  const operation = body && Object.keys(body).find((key) => !key.startsWith("@_"));
  if (!envelope || !body || !operation)
    throw new SoapFault("UNKNOWN_EXCEPTION", "The request is not a SOAP envelope with a body");
  const header = envelope["Header"] as Record<string, Record<string, unknown>> | undefined;
  const sessionId = header?.["SessionHeader"]?.["sessionId"];
  const children = body[operation];
  return {
    sessionId: typeof sessionId === "string" ? sessionId : undefined,
    operation,
    body: typeof children === "object" && children !== null ? (children as Record<string, unknown>) : {},
  };
}

/** One element or a list of them, as a list (xml parsers give a lone child as an object). */
export function asList<T = unknown>(value: T | T[] | undefined): T[] {
  return value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value];
}

/** `"true"` → true; anything else false (xsd:boolean as jsforce writes it). */
export function asBoolean(value: unknown, fallback = false): boolean {
  return value === undefined ? fallback : String(value) === "true" || String(value) === "1";
}

/** A value to render: text, an element per array item, nested elements, `null` → `xsi:nil="true"`; a `"@xsi:type"` key becomes the attribute. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [name: string]: XmlValue };

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders `<name>` for a value (see {@link XmlValue}). */
export function element(name: string, value: XmlValue): string {
  if (value === undefined) return "";
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join("");
  if (typeof value === "object") {
    const type = value["@xsi:type"];
    const children = Object.entries(value)
      .filter(([key]) => !key.startsWith("@"))
      .map(([key, child]) => element(key, child))
      .join("");
    return `<${name}${type ? ` xsi:type="${escapeXml(String(type))}"` : ""}>${children}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const envelopeOpen =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const envelopeClose = "</soapenv:Body></soapenv:Envelope>";

/** The response envelope of `operation`: `<operationResponse>` holding one `<result>` per item of `result` (an array repeats it). */
export function soapResponse(operation: string, result: XmlValue): string {
  return `${envelopeOpen}<${operation}Response>${element("result", result)}</${operation}Response>${envelopeClose}`;
}

/** The fault envelope (send with HTTP 500). */
export function soapFaultResponse(fault: SoapFault): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>' +
    `<faultcode>sf:${escapeXml(fault.code)}</faultcode><faultstring>${escapeXml(fault.message)}</faultstring></soapenv:Fault>${envelopeClose}`
  );
}
