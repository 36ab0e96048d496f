"""A judge from Salesforce itself: the Metadata API WSDL (API 63.0, as the simple-salesforce wheel on PyPI
ships it; scripts/setup-test-tools.sh puts it in the cache) read by lxml/libxml2 as a strict XML Schema.

The WSDL's <xsd:schema> declares types, but global elements only for the operations and headers. A metadata
file's root element is its type's name (Certificate, ExternalClientApplication, Package, ...), so one global
element is added per complex type that derives from tns:Metadata (org-mode.md section 7). The operations'
response elements (deployResponse, checkDeployStatusResponse, ...) are already global. Nothing else is
changed but one cited relaxation (see metadata_schema): an absent readMetadata record is nil.

A SOAP response is judged in two steps: the envelope against the SOAP 1.1 envelope schema
(http://schemas.xmlsoap.org/soap/envelope/, which Fault follows: faultcode, faultstring, faultactor?,
detail?, unqualified), and the single child of Body against the metadata schema, strictly.

Input on stdin: {"wsdl": path, "items": [{"kind": "metadata" | "response", "xml": text,
"expect": element name (optional)}]}. Output: one {"root", "errors"} per item, in order.
"""
import copy
import json
import sys

from lxml import etree

XSD = "http://www.w3.org/2001/XMLSchema"
MD = "http://soap.sforce.com/2006/04/metadata"
SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"
RESPONSES = {
    "deployResponse",
    "checkDeployStatusResponse",
    "readMetadataResponse",
    "listMetadataResponse",
    "deleteMetadataResponse",
}

# The SOAP 1.1 envelope schema as published at its namespace URI (the parts a response uses).
SOAP_SCHEMA = f"""<xs:schema xmlns:xs="{XSD}" xmlns:tns="{SOAPENV}" targetNamespace="{SOAPENV}">
  <xs:element name="Envelope" type="tns:Envelope"/>
  <xs:complexType name="Envelope">
    <xs:sequence>
      <xs:element ref="tns:Header" minOccurs="0"/>
      <xs:element ref="tns:Body" minOccurs="1"/>
      <xs:any namespace="##other" minOccurs="0" maxOccurs="unbounded" processContents="lax"/>
    </xs:sequence>
    <xs:anyAttribute namespace="##other" processContents="lax"/>
  </xs:complexType>
  <xs:element name="Header" type="tns:Header"/>
  <xs:complexType name="Header">
    <xs:sequence><xs:any namespace="##other" minOccurs="0" maxOccurs="unbounded" processContents="lax"/></xs:sequence>
    <xs:anyAttribute namespace="##other" processContents="lax"/>
  </xs:complexType>
  <xs:element name="Body" type="tns:Body"/>
  <xs:complexType name="Body">
    <xs:sequence><xs:any namespace="##any" minOccurs="0" maxOccurs="unbounded" processContents="lax"/></xs:sequence>
    <xs:anyAttribute namespace="##any" processContents="lax"/>
  </xs:complexType>
  <xs:element name="Fault" type="tns:Fault"/>
  <xs:complexType name="Fault" final="extension">
    <xs:sequence>
      <xs:element name="faultcode" type="xs:QName"/>
      <xs:element name="faultstring" type="xs:string"/>
      <xs:element name="faultactor" type="xs:anyURI" minOccurs="0"/>
      <xs:element name="detail" type="tns:detail" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="detail">
    <xs:sequence><xs:any namespace="##any" minOccurs="0" maxOccurs="unbounded" processContents="lax"/></xs:sequence>
    <xs:anyAttribute namespace="##any" processContents="lax"/>
  </xs:complexType>
</xs:schema>"""


def metadata_schema(wsdl_path):
    wsdl = etree.parse(wsdl_path)
    schemas = wsdl.findall(f".//{{{XSD}}}schema")
    if len(schemas) != 1:
        raise SystemExit(f"expected one xsd:schema in {wsdl_path}, found {len(schemas)}")
    schema = schemas[0]
    # The WSDL declares tns on <definitions>; a standalone schema must carry it itself.
    standalone = etree.Element(f"{{{XSD}}}schema", nsmap={"xsd": XSD, "tns": MD}, attrib=dict(schema.attrib))
    standalone.extend(list(schema))
    bases = {}
    for complex_type in standalone.findall(f"{{{XSD}}}complexType"):
        extension = complex_type.find(f"{{{XSD}}}complexContent/{{{XSD}}}extension")
        bases[complex_type.get("name")] = extension.get("base").split(":")[-1] if extension is not None else None

    def is_metadata(name):
        seen = set()
        while name is not None and name not in seen:
            if name == "Metadata":
                return True
            seen.add(name)
            name = bases.get(name)
        return False

    # The one relaxation: Salesforce answers readMetadata with <records xsi:nil="true"/> for an absent name
    # although ReadResult.records is not nillable in its WSDL (org-mode.md section 0.6 and section 4:
    # https://github.com/forcedotcom/cli/issues/1917, https://github.com/certinia/apex-mdapi/issues/142).
    for records in standalone.findall(f"{{{XSD}}}complexType[@name='ReadResult']/{{{XSD}}}sequence/{{{XSD}}}element[@name='records']"):
        records.set("nillable", "true")
    declared = {e.get("name") for e in standalone.findall(f"{{{XSD}}}element")}
    for name in sorted(bases):
        if name != "Metadata" and is_metadata(name) and name not in declared:
            etree.SubElement(standalone, f"{{{XSD}}}element", name=name, type=f"tns:{name}")
    return etree.XMLSchema(standalone)


def errors_of(schema, node):
    if schema.validate(node):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def parse(text):
    return etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))


def judge_metadata(schema, text, expect):
    root = parse(text)
    name = etree.QName(root)
    if name.namespace != MD:
        return name.localname, [f"root element {name.text} is not in the metadata namespace {MD}"]
    if expect and name.localname != expect:
        return name.localname, [f"root element is {name.localname}, expected {expect}"]
    return name.localname, errors_of(schema, root)


def judge_response(schema, soap, text, expect):
    envelope = parse(text)
    # libxml2 reports an xsi:type it cannot resolve even under the Body's lax wildcard, so the envelope is
    # judged with each metadata-namespace Body child emptied; that child is judged in full below.
    shell = copy.deepcopy(envelope)
    for child in shell.findall(f"{{{SOAPENV}}}Body/{{{MD}}}*"):
        child.clear()
    problems = errors_of(soap, shell)
    if etree.QName(envelope).text != f"{{{SOAPENV}}}Envelope":
        return None, problems or [f"root element is {etree.QName(envelope).text}, not a SOAP 1.1 Envelope"]
    body = envelope.find(f"{{{SOAPENV}}}Body")
    children = [c for c in body if isinstance(c.tag, str)] if body is not None else []
    if len(children) != 1:
        return None, problems + [f"Body holds {len(children)} elements, a response holds exactly one"]
    child = children[0]
    name = etree.QName(child)
    if expect and name.localname != expect:
        problems.append(f"Body holds {name.localname}, expected {expect}")
    if name.text == f"{{{SOAPENV}}}Fault":
        return "Fault", problems
    if name.namespace != MD or name.localname not in RESPONSES:
        return name.localname, problems + [f"Body holds {name.text}, which is not a response this judge knows"]
    return name.localname, problems + errors_of(schema, child)


def main():
    request = json.load(sys.stdin)
    schema = metadata_schema(request["wsdl"])
    soap = etree.XMLSchema(etree.fromstring(SOAP_SCHEMA.encode("utf-8")))
    out = []
    for item in request["items"]:
        try:
            if item["kind"] == "metadata":
                root, errors = judge_metadata(schema, item["xml"], item.get("expect"))
            else:
                root, errors = judge_response(schema, soap, item["xml"], item.get("expect"))
        except etree.XMLSyntaxError as error:
            root, errors = None, [f"not well-formed XML: {error}"]
        out.append({"root": root, "errors": errors})
    json.dump(out, sys.stdout)


main()
