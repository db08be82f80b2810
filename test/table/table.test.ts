import { expect } from "chai";
import { App, Testing, TerraformStack } from "cdktf";
import { Table, planTable, seedItemId, type TableProps } from "../../modules/table";
import { FakeGrantee, env, only, policyResult, ref, resources, serviceStack, synth } from "./support";

const ID_N = { name: "ID", type: "N" } as const;

function tableIn(props: TableProps, environment = env("dev")) {
  const stack = serviceStack("items", environment);
  const table = new Table(stack, "Items", props);
  return { stack, table, out: synth(stack) };
}

describe("table", () => {
  describe("synthesized resource", () => {
    it("defaults to an on-demand table named with the environment prefix, PITR and SSE on", () => {
      const { out } = tableIn({ partitionKey: ID_N });
      const table = only(out, "aws_dynamodb_table");
      expect(table).to.deep.include({
        name: "dev-Items",
        billing_mode: "PAY_PER_REQUEST",
        hash_key: "ID",
        attribute: [{ name: "ID", type: "N" }],
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true },
        deletion_protection_enabled: false,
      });
      expect(table).to.not.have.any.keys("range_key", "read_capacity", "write_capacity", "global_secondary_index", "ttl");
    });

    it("turns deletion protection on in prod and keeps an explicit table name", () => {
      const { out } = tableIn({ tableName: "studentData", partitionKey: { name: "studentid", type: "S" } }, env("prod"));
      expect(only(out, "aws_dynamodb_table")).to.deep.include({ name: "studentData", deletion_protection_enabled: true });
    });

    it("lets the deletionProtection prop override the environment", () => {
      const { out } = tableIn({ partitionKey: ID_N, deletionProtection: true });
      expect(only(out, "aws_dynamodb_table").deletion_protection_enabled).to.equal(true);
    });

    it("declares the sort key and every GSI key attribute once, with the index projection", () => {
      const { out } = tableIn({
        partitionKey: { name: "Artist", type: "S" },
        sortKey: { name: "SongTitle", type: "S" },
        globalSecondaryIndexes: [
          { indexName: "byAlbum", partitionKey: { name: "Album", type: "S" }, sortKey: { name: "Artist", type: "S" } },
          { indexName: "byYear", partitionKey: { name: "Year", type: "N" }, projection: "KEYS_ONLY" },
          { indexName: "byGenre", partitionKey: { name: "Genre", type: "S" }, projection: ["Album", "Year"] },
        ],
        timeToLiveAttribute: "expiresAt",
      });
      const table = only(out, "aws_dynamodb_table");
      expect(table.range_key).to.equal("SongTitle");
      expect(table.attribute).to.deep.equal([
        { name: "Artist", type: "S" },
        { name: "SongTitle", type: "S" },
        { name: "Album", type: "S" },
        { name: "Year", type: "N" },
        { name: "Genre", type: "S" },
      ]);
      expect(table.global_secondary_index).to.deep.equal([
        { name: "byAlbum", hash_key: "Album", range_key: "Artist", projection_type: "ALL" },
        { name: "byYear", hash_key: "Year", projection_type: "KEYS_ONLY" },
        { name: "byGenre", hash_key: "Genre", projection_type: "INCLUDE", non_key_attributes: ["Album", "Year"] },
      ]);
      expect(table.ttl).to.deep.equal({ attribute_name: "expiresAt", enabled: true });
    });

    it("infers provisioned billing from capacities and gives indexes the table's capacity by default", () => {
      const { out } = tableIn({
        partitionKey: ID_N,
        readCapacity: 5,
        writeCapacity: 2,
        globalSecondaryIndexes: [
          { indexName: "byName", partitionKey: { name: "name", type: "S" } },
          { indexName: "byKind", partitionKey: { name: "kind", type: "S" }, readCapacity: 1, writeCapacity: 1 },
        ],
      });
      const table = only(out, "aws_dynamodb_table");
      expect(table).to.deep.include({ billing_mode: "PROVISIONED", read_capacity: 5, write_capacity: 2 });
      const gsis = table.global_secondary_index as Record<string, unknown>[];
      expect(gsis[0]).to.deep.include({ read_capacity: 5, write_capacity: 2 });
      expect(gsis[1]).to.deep.include({ read_capacity: 1, write_capacity: 1 });
    });

    it("needs a tableName outside a ServiceStack", () => {
      const app = Testing.app();
      const plain = new TerraformStack(app as App, "plain");
      expect(() => new Table(plain, "T", { partitionKey: ID_N })).to.throw(
        'plain/T: "tableName" is missing: set tableName, or create the table inside a ServiceStack.',
      );
      const t = new Table(plain, "Named", { tableName: "named", partitionKey: ID_N });
      const out = JSON.parse(Testing.synth(plain));
      expect(Object.values(out.resource.aws_dynamodb_table)[0]).to.deep.include({ name: "named", deletion_protection_enabled: true });
      expect(t.indexNames).to.deep.equal([]);
    });
  });

  it("passes the policy rules (point-in-time recovery, encryption)", () => {
    const stack = serviceStack("items");
    new Table(stack, "Items", { partitionKey: ID_N, seed: [{ ID: 1 }] });
    expect(policyResult(stack).findings).to.deep.equal([]);
  });

  describe("seed items", () => {
    it("renders each item as DynamoDB JSON in an aws_dynamodb_table_item keyed by the table's keys", () => {
      const { out } = tableIn({
        partitionKey: { name: "Artist", type: "S" },
        sortKey: { name: "SongTitle", type: "S" },
        seed: [
          { Artist: "No One You Know", SongTitle: "Call Me Today", Year: 2001, Awards: ["Grammy"], Live: false },
          { Artist: "Acme Band", SongTitle: "Happy Day", Meta: { plays: 10, note: null } },
        ],
      });
      const items = resources(out, "aws_dynamodb_table_item");
      expect(Object.keys(items)).to.have.length(2);
      const tableName = ref(out, "aws_dynamodb_table", "name");
      const byArtist = Object.fromEntries(
        Object.values(items).map((v) => [JSON.parse(v.item as string).Artist.S as string, v]),
      );
      const first = byArtist["No One You Know"]!;
      expect(first).to.deep.include({ table_name: tableName, hash_key: "Artist", range_key: "SongTitle" });
      expect(JSON.parse(first.item as string)).to.deep.equal({
        Artist: { S: "No One You Know" },
        SongTitle: { S: "Call Me Today" },
        Year: { N: "2001" },
        Awards: { L: [{ S: "Grammy" }] },
        Live: { BOOL: false },
      });
      const second = byArtist["Acme Band"]!;
      expect(JSON.parse(second.item as string).Meta).to.deep.equal({ M: { plays: { N: "10" }, note: { NULL: true } } });
    });

    it("names seed items after their key, with a hash when the key has characters an id should not carry", () => {
      expect(seedItemId([1])).to.equal("Seed-1");
      expect(seedItemId(["a-b", 2])).to.equal("Seed-a-b_2");
      expect(seedItemId(["a/b"])).to.match(/^Seed-a_b-[0-9a-f]{8}$/);
      expect(seedItemId(["a/b"])).to.not.equal(seedItemId(["a_b"]));
      expect(seedItemId([new Uint8Array([1, 2])])).to.match(/^Seed-AQI_-[0-9a-f]{8}$/);
    });

    it("derives item ids from the key, so reordering the seed changes no resource address", () => {
      const a = { ID: 1, name: "one" };
      const b = { ID: 2, name: "two" };
      const ids = (seed: TableProps["seed"]) =>
        Object.keys(resources(tableIn({ partitionKey: ID_N, seed }).out, "aws_dynamodb_table_item")).sort();
      expect(ids([a, b])).to.deep.equal(ids([b, a]));
      expect(ids([a, b])).to.have.length(2);
    });

    it("rejects items without the key, with the wrong key type, with duplicate keys or unstorable values", () => {
      const make = (seed: TableProps["seed"], sortKey?: TableProps["sortKey"]) => () =>
        tableIn({ partitionKey: ID_N, ...(sortKey ? { sortKey } : {}), seed });
      expect(make([{ name: "x" }])).to.throw(
        'items-dev/Items: "seed[0].ID" is missing: key attribute "ID" has type "N": give a finite number.',
      );
      expect(make([{ ID: "1" }])).to.throw('"seed[0].ID" is "1": key attribute "ID" has type "N": give a finite number.');
      expect(make([{ ID: 1, at: "" }, { ID: 2 }], { name: "at", type: "S" })).to.throw(
        '"seed[0].at" is "": key attribute "at" has type "S": give a non-empty string.',
      );
      expect(make([{ ID: 1 }, { ID: 1 }])).to.throw('"seed[1]" is [1]: seed[0] has the same key: each seed item needs a unique key.');
      expect(make([{ ID: 1, when: new Date(0) }])).to.throw(
        '"seed[0].when" is "1970-01-01T00:00:00.000Z": a Date cannot be stored; use a string, number, boolean, null, Uint8Array, array, Set or plain object.',
      );
      expect(make([{ ID: 1, tags: new Set() }])).to.throw('"seed[0].tags" is {}: an empty Set cannot be stored');
    });
  });

  describe("grants", () => {
    it("grantReadData allows exactly the read actions on the table ARN", () => {
      const { stack, table, out } = tableIn({ partitionKey: ID_N });
      const fn = new FakeGrantee();
      table.grantReadData(fn);
      expect(fn.statements).to.have.length(1);
      expect(fn.document(stack).Statement).to.deep.equal([
        {
          Effect: "Allow",
          Action: [
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
          ],
          Resource: ref(out, "aws_dynamodb_table", "arn"),
        },
      ]);
    });

    it("grantReadData adds <arn>/index/* only when the table has global secondary indexes", () => {
      const { stack, table, out } = tableIn({
        partitionKey: ID_N,
        globalSecondaryIndexes: [{ indexName: "byName", partitionKey: { name: "name", type: "S" } }],
      });
      const fn = new FakeGrantee();
      table.grantReadData(fn);
      const arn = ref(out, "aws_dynamodb_table", "arn");
      expect(fn.document(stack).Statement[0]!.Resource).to.deep.equal([arn, `${arn}/index/*`]);
    });

    it("grantWriteData allows exactly the write actions on the table only, never its indexes", () => {
      const { stack, table, out } = tableIn({
        partitionKey: ID_N,
        globalSecondaryIndexes: [{ indexName: "byName", partitionKey: { name: "name", type: "S" } }],
      });
      const fn = new FakeGrantee();
      table.grantWriteData(fn);
      expect(fn.document(stack).Statement).to.deep.equal([
        {
          Effect: "Allow",
          Action: [
            "dynamodb:BatchWriteItem",
            "dynamodb:DeleteItem",
            "dynamodb:DescribeTable",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
          ],
          Resource: ref(out, "aws_dynamodb_table", "arn"),
        },
      ]);
    });

    it("grantReadWriteData adds the read statement and the remaining write actions, DescribeTable once", () => {
      const { stack, table, out } = tableIn({ partitionKey: ID_N });
      const fn = new FakeGrantee();
      table.grantReadWriteData(fn);
      const arn = ref(out, "aws_dynamodb_table", "arn");
      const doc = fn.document(stack).Statement;
      expect(doc).to.have.length(2);
      expect(doc[1]).to.deep.equal({
        Effect: "Allow",
        Action: ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        Resource: arn,
      });
      const all = doc.flatMap((s) => s.Action as string[]);
      expect(all.filter((a) => a === "dynamodb:DescribeTable")).to.have.length(1);
      expect(all).to.have.length(10);
      expect(all.every((a) => !a.includes("*"))).to.equal(true);
    });
  });

  describe("prop validation", () => {
    const where = "T";
    const base: TableProps = { partitionKey: ID_N };
    const cases: [string, TableProps, string][] = [
      ["partition key name empty", { partitionKey: { name: "", type: "S" } }, 'T: "partitionKey.name" is "": use an attribute name of 1 to 255 characters.'],
      ["partition key type", { partitionKey: { name: "id", type: "X" as "S" } }, 'T: "partitionKey.type" is "X": use "S" (string), "N" (number) or "B" (binary).'],
      ["sort key type", { ...base, sortKey: { name: "sk", type: "BOOL" as "S" } }, 'T: "sortKey.type" is "BOOL": use "S" (string), "N" (number) or "B" (binary).'],
      ["sort key equal to partition key", { ...base, sortKey: { name: "ID", type: "S" } }, 'T: "sortKey.name" is "ID": use a different attribute than the partition key.'],
      ["table name", { ...base, tableName: "a b" }, `T: "tableName" is "a b": use 3 to 255 characters from A-Z, a-z, 0-9, '_', '-' and '.'.`],
      ["billing mode", { ...base, billingMode: "ON_DEMAND" as "PROVISIONED" }, 'T: "billingMode" is "ON_DEMAND": use "PAY_PER_REQUEST" or "PROVISIONED".'],
      [
        "capacity with on-demand",
        { ...base, billingMode: "PAY_PER_REQUEST", readCapacity: 5 },
        'T: "readCapacity" is 5: Cannot set "readCapacity" when "billingMode" is "PAY_PER_REQUEST": remove it or set billingMode "PROVISIONED".',
      ],
      [
        "provisioned without write capacity",
        { ...base, billingMode: "PROVISIONED", readCapacity: 5 },
        'T: "writeCapacity" is missing: "billingMode" is "PROVISIONED": set both readCapacity and writeCapacity.',
      ],
      ["fractional capacity", { ...base, readCapacity: 0.5, writeCapacity: 1 }, 'T: "readCapacity" is 0.5: use a whole number of capacity units, at least 1.'],
      [
        "GSI key type",
        { ...base, globalSecondaryIndexes: [{ indexName: "byX", partitionKey: { name: "x", type: "M" as "S" } }] },
        'T: "globalSecondaryIndexes[0].partitionKey.type" is "M": use "S" (string), "N" (number) or "B" (binary).',
      ],
      [
        "GSI key type conflicting with the table key",
        { ...base, globalSecondaryIndexes: [{ indexName: "byId", partitionKey: { name: "ID", type: "S" } }] },
        'T: "globalSecondaryIndexes[0].partitionKey.type" is "S": attribute "ID" is already a key of type "N": an attribute has one type across the table and its indexes.',
      ],
      [
        "duplicate GSI names",
        {
          ...base,
          globalSecondaryIndexes: [
            { indexName: "byName", partitionKey: { name: "name", type: "S" } },
            { indexName: "byName", partitionKey: { name: "other", type: "S" } },
          ],
        },
        'T: "globalSecondaryIndexes[1].indexName" is "byName": index names must be unique within a table: rename one.',
      ],
      [
        "GSI name",
        { ...base, globalSecondaryIndexes: [{ indexName: "x", partitionKey: { name: "name", type: "S" } }] },
        `T: "globalSecondaryIndexes[0].indexName" is "x": use 3 to 255 characters from A-Z, a-z, 0-9, '_', '-' and '.'.`,
      ],
      [
        "GSI sort key equal to its partition key",
        { ...base, globalSecondaryIndexes: [{ indexName: "byName", partitionKey: { name: "n", type: "S" }, sortKey: { name: "n", type: "S" } }] },
        'T: "globalSecondaryIndexes[0].sortKey.name" is "n": use a different attribute than the index partition key.',
      ],
      [
        "GSI empty projection",
        { ...base, globalSecondaryIndexes: [{ indexName: "byName", partitionKey: { name: "n", type: "S" }, projection: [] }] },
        'T: "globalSecondaryIndexes[0].projection" is []: list at least one attribute, or use "KEYS_ONLY".',
      ],
      [
        "GSI capacity with on-demand",
        { ...base, globalSecondaryIndexes: [{ indexName: "byName", partitionKey: { name: "n", type: "S" }, writeCapacity: 3 }] },
        'T: "globalSecondaryIndexes[0].writeCapacity" is 3: Cannot set index capacity when "billingMode" is "PAY_PER_REQUEST": remove it or set billingMode "PROVISIONED".',
      ],
      [
        "too many GSIs",
        {
          ...base,
          globalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => ({ indexName: `index${i}`, partitionKey: { name: `a${i}`, type: "S" as const } })),
        },
        'T: "globalSecondaryIndexes" is 21: use at most 20 global secondary indexes per table.',
      ],
      ["TTL on a key", { ...base, timeToLiveAttribute: "ID" }, 'T: "timeToLiveAttribute" is "ID": use a non-key attribute: the expiry must not be part of a table or index key.'],
      ["TTL empty", { ...base, timeToLiveAttribute: "" }, 'T: "timeToLiveAttribute" is "": use an attribute name of 1 to 255 characters.'],
    ];
    for (const [name, props, message] of cases) {
      it(`rejects ${name}`, () => {
        expect(() => planTable(where, props)).to.throw(message);
      });
    }

    it("throws PropError from the constructor with the construct path", () => {
      expect(() => tableIn({ partitionKey: ID_N, tableName: "x" })).to.throw(
        `items-dev/Items: "tableName" is "x": use 3 to 255 characters`,
      );
    });

    it("skips the name check on unresolved tokens", () => {
      const stack = serviceStack("items");
      const other = new Table(stack, "Source", { partitionKey: ID_N });
      new Table(stack, "Copy", { partitionKey: ID_N, tableName: other.tableName });
      const names = Object.values(resources(synth(stack), "aws_dynamodb_table")).map((t) => t.name);
      expect(names).to.include("dev-Source");
      expect(names.find((n) => n !== "dev-Source")).to.match(/^\$\{aws_dynamodb_table\.Source_Table_[0-9A-F]{8}\.name\}$/);
    });
  });
});
