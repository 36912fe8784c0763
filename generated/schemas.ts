// Generated from openapi.yaml by `npm run generate`. Do not edit by hand.

import { Type } from 'typebox'
import type { components, operations } from './openapi.js'

export const Username = Type.Unsafe<components['schemas']['Username']>({
  "type": "string",
  "minLength": 1,
  "maxLength": 64,
  "pattern": "^[A-Za-z0-9_.-]+$",
  "examples": [
    "sumit"
  ]
})

export const RecordId = Type.Unsafe<components['schemas']['RecordId']>({
  "type": "integer",
  "format": "int32",
  "minimum": 1,
  "maximum": 2147483647,
  "examples": [
    5
  ]
})

export const Timestamp = Type.Unsafe<components['schemas']['Timestamp']>({
  "type": [
    "number",
    "null"
  ],
  "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
  "examples": [
    828283281.21
  ]
})

export const Value1 = Type.Unsafe<components['schemas']['Value1']>({
  "type": [
    "string",
    "null"
  ],
  "maxLength": 255,
  "pattern": "^[^\\u0000]*$",
  "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
  "examples": [
    "German Shepherd"
  ]
})

export const Value2 = Type.Unsafe<components['schemas']['Value2']>({
  "type": [
    "number",
    "null"
  ],
  "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
  "examples": [
    781230.21
  ]
})

export const Value3 = Type.Unsafe<components['schemas']['Value3']>({
  "type": [
    "boolean",
    "null"
  ],
  "examples": [
    true
  ]
})

export const Record = Type.Unsafe<components['schemas']['Record']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "id",
    "timestamp",
    "value1",
    "value2",
    "value3",
    "lastmodifiedby",
    "creationdate",
    "lastmodificationdate"
  ],
  "properties": {
    "id": {
      "type": "integer",
      "format": "int32",
      "minimum": 1,
      "maximum": 2147483647,
      "examples": [
        5
      ]
    },
    "timestamp": {
      "type": [
        "number",
        "null"
      ],
      "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
      "examples": [
        828283281.21
      ]
    },
    "value1": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 255,
      "pattern": "^[^\\u0000]*$",
      "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
      "examples": [
        "German Shepherd"
      ]
    },
    "value2": {
      "type": [
        "number",
        "null"
      ],
      "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
      "examples": [
        781230.21
      ]
    },
    "value3": {
      "type": [
        "boolean",
        "null"
      ],
      "examples": [
        true
      ]
    },
    "lastmodifiedby": {
      "type": "string",
      "description": "Username of the key that last created or modified the record.",
      "examples": [
        "sumit"
      ]
    },
    "creationdate": {
      "type": "string",
      "format": "date-time",
      "description": "When the record was created (UTC).",
      "examples": [
        "2026-11-25T09:30:00.000Z"
      ]
    },
    "lastmodificationdate": {
      "type": "string",
      "format": "date-time",
      "description": "When the record was created or last modified (UTC).",
      "examples": [
        "2026-11-25T09:30:00.000Z"
      ]
    }
  }
})

export const RecordInput = Type.Unsafe<components['schemas']['RecordInput']>({
  "type": "object",
  "description": "The fields of a new record. Only these four fields are accepted; at least one\nmust be non-null.\n",
  "additionalProperties": false,
  "minProperties": 1,
  "properties": {
    "timestamp": {
      "type": [
        "number",
        "null"
      ],
      "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
      "examples": [
        828283281.21
      ]
    },
    "value1": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 255,
      "pattern": "^[^\\u0000]*$",
      "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
      "examples": [
        "German Shepherd"
      ]
    },
    "value2": {
      "type": [
        "number",
        "null"
      ],
      "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
      "examples": [
        781230.21
      ]
    },
    "value3": {
      "type": [
        "boolean",
        "null"
      ],
      "examples": [
        true
      ]
    }
  }
})

export const RecordInputList = Type.Unsafe<components['schemas']['RecordInputList']>({
  "type": "array",
  "description": "The records to create, 1 to 1000, each a `RecordInput` (at least one non-null field).\n",
  "minItems": 1,
  "maxItems": 1000,
  "items": {
    "type": "object",
    "description": "The fields of a new record. Only these four fields are accepted; at least one\nmust be non-null.\n",
    "additionalProperties": false,
    "minProperties": 1,
    "properties": {
      "timestamp": {
        "type": [
          "number",
          "null"
        ],
        "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
        "examples": [
          828283281.21
        ]
      },
      "value1": {
        "type": [
          "string",
          "null"
        ],
        "maxLength": 255,
        "pattern": "^[^\\u0000]*$",
        "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
        "examples": [
          "German Shepherd"
        ]
      },
      "value2": {
        "type": [
          "number",
          "null"
        ],
        "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
        "examples": [
          781230.21
        ]
      },
      "value3": {
        "type": [
          "boolean",
          "null"
        ],
        "examples": [
          true
        ]
      }
    }
  }
})

export const RecordPatch = Type.Unsafe<components['schemas']['RecordPatch']>({
  "type": "object",
  "description": "The fields to change. Only these four fields are accepted; at least one must be\npresent. Absent fields are left unchanged and `null` clears a field.\n",
  "additionalProperties": false,
  "minProperties": 1,
  "properties": {
    "timestamp": {
      "type": [
        "number",
        "null"
      ],
      "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
      "examples": [
        828283281.21
      ]
    },
    "value1": {
      "type": [
        "string",
        "null"
      ],
      "maxLength": 255,
      "pattern": "^[^\\u0000]*$",
      "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
      "examples": [
        "German Shepherd"
      ]
    },
    "value2": {
      "type": [
        "number",
        "null"
      ],
      "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
      "examples": [
        781230.21
      ]
    },
    "value3": {
      "type": [
        "boolean",
        "null"
      ],
      "examples": [
        true
      ]
    }
  }
})

export const KeyIssued = Type.Unsafe<components['schemas']['KeyIssued']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "username",
    "api_key",
    "created_on",
    "message"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "username": {
      "type": "string",
      "examples": [
        "sumit"
      ]
    },
    "api_key": {
      "type": "string",
      "description": "The key, shown only here. Send it in the `api-key` header.",
      "examples": [
        "phx_5tqMEmc3K8b1VJ3pn2hNcS6ylyPo6Ai0wQpXgk1Yh0s"
      ]
    },
    "created_on": {
      "type": "string",
      "format": "date-time",
      "examples": [
        "2026-11-25T09:30:00.000Z"
      ]
    },
    "message": {
      "const": "Congrats! Your API Key has been created!"
    }
  }
})

export const KeyRotated = Type.Unsafe<components['schemas']['KeyRotated']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "username",
    "api_key",
    "created_on",
    "message"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "username": {
      "type": "string",
      "examples": [
        "sumit"
      ]
    },
    "api_key": {
      "type": "string",
      "description": "The new key, shown only here. Send it in the `api-key` header from now on.",
      "examples": [
        "phx_x2XWTlU5Gcxzq_4Hz-N2spKhtqOVMiuFRiBsTBioexY"
      ]
    },
    "created_on": {
      "type": "string",
      "format": "date-time",
      "description": "When the new key was issued.",
      "examples": [
        "2026-11-26T08:15:00.000Z"
      ]
    },
    "message": {
      "const": "Your API Key has been rotated! The old key no longer works."
    }
  }
})

export const KeyRevoked = Type.Unsafe<components['schemas']['KeyRevoked']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "Your API Key has been revoked!"
    }
  }
})

export const RecordCreated = Type.Unsafe<components['schemas']['RecordCreated']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message",
    "record_info"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "Your entry has successfully been added to the database!"
    },
    "record_info": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "timestamp",
        "value1",
        "value2",
        "value3",
        "lastmodifiedby",
        "creationdate",
        "lastmodificationdate"
      ],
      "properties": {
        "id": {
          "type": "integer",
          "format": "int32",
          "minimum": 1,
          "maximum": 2147483647,
          "examples": [
            5
          ]
        },
        "timestamp": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
          "examples": [
            828283281.21
          ]
        },
        "value1": {
          "type": [
            "string",
            "null"
          ],
          "maxLength": 255,
          "pattern": "^[^\\u0000]*$",
          "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
          "examples": [
            "German Shepherd"
          ]
        },
        "value2": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
          "examples": [
            781230.21
          ]
        },
        "value3": {
          "type": [
            "boolean",
            "null"
          ],
          "examples": [
            true
          ]
        },
        "lastmodifiedby": {
          "type": "string",
          "description": "Username of the key that last created or modified the record.",
          "examples": [
            "sumit"
          ]
        },
        "creationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        },
        "lastmodificationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created or last modified (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        }
      }
    }
  }
})

export const RecordsCreated = Type.Unsafe<components['schemas']['RecordsCreated']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message",
    "records_info"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "Your entries have successfully been added to the database!"
    },
    "records_info": {
      "type": "array",
      "description": "The records created, in the order sent (ids ascending).",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "timestamp",
          "value1",
          "value2",
          "value3",
          "lastmodifiedby",
          "creationdate",
          "lastmodificationdate"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int32",
            "minimum": 1,
            "maximum": 2147483647,
            "examples": [
              5
            ]
          },
          "timestamp": {
            "type": [
              "number",
              "null"
            ],
            "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
            "examples": [
              828283281.21
            ]
          },
          "value1": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 255,
            "pattern": "^[^\\u0000]*$",
            "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
            "examples": [
              "German Shepherd"
            ]
          },
          "value2": {
            "type": [
              "number",
              "null"
            ],
            "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
            "examples": [
              781230.21
            ]
          },
          "value3": {
            "type": [
              "boolean",
              "null"
            ],
            "examples": [
              true
            ]
          },
          "lastmodifiedby": {
            "type": "string",
            "description": "Username of the key that last created or modified the record.",
            "examples": [
              "sumit"
            ]
          },
          "creationdate": {
            "type": "string",
            "format": "date-time",
            "description": "When the record was created (UTC).",
            "examples": [
              "2026-11-25T09:30:00.000Z"
            ]
          },
          "lastmodificationdate": {
            "type": "string",
            "format": "date-time",
            "description": "When the record was created or last modified (UTC).",
            "examples": [
              "2026-11-25T09:30:00.000Z"
            ]
          }
        }
      }
    }
  }
})

export const RecordFound = Type.Unsafe<components['schemas']['RecordFound']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message",
    "record_info"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "Record found!"
    },
    "record_info": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "timestamp",
        "value1",
        "value2",
        "value3",
        "lastmodifiedby",
        "creationdate",
        "lastmodificationdate"
      ],
      "properties": {
        "id": {
          "type": "integer",
          "format": "int32",
          "minimum": 1,
          "maximum": 2147483647,
          "examples": [
            5
          ]
        },
        "timestamp": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
          "examples": [
            828283281.21
          ]
        },
        "value1": {
          "type": [
            "string",
            "null"
          ],
          "maxLength": 255,
          "pattern": "^[^\\u0000]*$",
          "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
          "examples": [
            "German Shepherd"
          ]
        },
        "value2": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
          "examples": [
            781230.21
          ]
        },
        "value3": {
          "type": [
            "boolean",
            "null"
          ],
          "examples": [
            true
          ]
        },
        "lastmodifiedby": {
          "type": "string",
          "description": "Username of the key that last created or modified the record.",
          "examples": [
            "sumit"
          ]
        },
        "creationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        },
        "lastmodificationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created or last modified (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        }
      }
    }
  }
})

export const RecordModified = Type.Unsafe<components['schemas']['RecordModified']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message",
    "record_info"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "Your record has successfully been modified!"
    },
    "record_info": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "timestamp",
        "value1",
        "value2",
        "value3",
        "lastmodifiedby",
        "creationdate",
        "lastmodificationdate"
      ],
      "properties": {
        "id": {
          "type": "integer",
          "format": "int32",
          "minimum": 1,
          "maximum": 2147483647,
          "examples": [
            5
          ]
        },
        "timestamp": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
          "examples": [
            828283281.21
          ]
        },
        "value1": {
          "type": [
            "string",
            "null"
          ],
          "maxLength": 255,
          "pattern": "^[^\\u0000]*$",
          "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
          "examples": [
            "German Shepherd"
          ]
        },
        "value2": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
          "examples": [
            781230.21
          ]
        },
        "value3": {
          "type": [
            "boolean",
            "null"
          ],
          "examples": [
            true
          ]
        },
        "lastmodifiedby": {
          "type": "string",
          "description": "Username of the key that last created or modified the record.",
          "examples": [
            "sumit"
          ]
        },
        "creationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        },
        "lastmodificationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created or last modified (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        }
      }
    }
  }
})

export const RecordRemoved = Type.Unsafe<components['schemas']['RecordRemoved']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "Your record has been removed!"
    }
  }
})

export const HistoryEntry = Type.Unsafe<components['schemas']['HistoryEntry']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "change_id",
    "version",
    "operation",
    "username",
    "at",
    "record"
  ],
  "properties": {
    "change_id": {
      "type": "integer",
      "minimum": 1,
      "description": "Orders every change of every record (the change feed's event id).",
      "examples": [
        23
      ]
    },
    "version": {
      "type": "integer",
      "minimum": 1,
      "description": "The record's version after this change (its ETag without the quotes).",
      "examples": [
        2
      ]
    },
    "operation": {
      "type": "string",
      "enum": [
        "create",
        "modify",
        "remove"
      ]
    },
    "username": {
      "type": "string",
      "description": "Who made the change: the username of the key sent with it, or the database role of\nwhoever changed the record with SQL.\n",
      "examples": [
        "falcon"
      ]
    },
    "at": {
      "type": "string",
      "format": "date-time",
      "description": "When the change was made (UTC; the start of its transaction).",
      "examples": [
        "2026-11-25T11:15:42.512Z"
      ]
    },
    "record": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "timestamp",
        "value1",
        "value2",
        "value3",
        "lastmodifiedby",
        "creationdate",
        "lastmodificationdate"
      ],
      "properties": {
        "id": {
          "type": "integer",
          "format": "int32",
          "minimum": 1,
          "maximum": 2147483647,
          "examples": [
            5
          ]
        },
        "timestamp": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
          "examples": [
            828283281.21
          ]
        },
        "value1": {
          "type": [
            "string",
            "null"
          ],
          "maxLength": 255,
          "pattern": "^[^\\u0000]*$",
          "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
          "examples": [
            "German Shepherd"
          ]
        },
        "value2": {
          "type": [
            "number",
            "null"
          ],
          "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
          "examples": [
            781230.21
          ]
        },
        "value3": {
          "type": [
            "boolean",
            "null"
          ],
          "examples": [
            true
          ]
        },
        "lastmodifiedby": {
          "type": "string",
          "description": "Username of the key that last created or modified the record.",
          "examples": [
            "sumit"
          ]
        },
        "creationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        },
        "lastmodificationdate": {
          "type": "string",
          "format": "date-time",
          "description": "When the record was created or last modified (UTC).",
          "examples": [
            "2026-11-25T09:30:00.000Z"
          ]
        }
      }
    }
  }
})

export const HistoryFound = Type.Unsafe<components['schemas']['HistoryFound']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message",
    "history"
  ],
  "properties": {
    "status": {
      "const": "success"
    },
    "message": {
      "const": "History found!"
    },
    "history": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "change_id",
          "version",
          "operation",
          "username",
          "at",
          "record"
        ],
        "properties": {
          "change_id": {
            "type": "integer",
            "minimum": 1,
            "description": "Orders every change of every record (the change feed's event id).",
            "examples": [
              23
            ]
          },
          "version": {
            "type": "integer",
            "minimum": 1,
            "description": "The record's version after this change (its ETag without the quotes).",
            "examples": [
              2
            ]
          },
          "operation": {
            "type": "string",
            "enum": [
              "create",
              "modify",
              "remove"
            ]
          },
          "username": {
            "type": "string",
            "description": "Who made the change: the username of the key sent with it, or the database role of\nwhoever changed the record with SQL.\n",
            "examples": [
              "falcon"
            ]
          },
          "at": {
            "type": "string",
            "format": "date-time",
            "description": "When the change was made (UTC; the start of its transaction).",
            "examples": [
              "2026-11-25T11:15:42.512Z"
            ]
          },
          "record": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "id",
              "timestamp",
              "value1",
              "value2",
              "value3",
              "lastmodifiedby",
              "creationdate",
              "lastmodificationdate"
            ],
            "properties": {
              "id": {
                "type": "integer",
                "format": "int32",
                "minimum": 1,
                "maximum": 2147483647,
                "examples": [
                  5
                ]
              },
              "timestamp": {
                "type": [
                  "number",
                  "null"
                ],
                "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
                "examples": [
                  828283281.21
                ]
              },
              "value1": {
                "type": [
                  "string",
                  "null"
                ],
                "maxLength": 255,
                "pattern": "^[^\\u0000]*$",
                "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
                "examples": [
                  "German Shepherd"
                ]
              },
              "value2": {
                "type": [
                  "number",
                  "null"
                ],
                "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
                "examples": [
                  781230.21
                ]
              },
              "value3": {
                "type": [
                  "boolean",
                  "null"
                ],
                "examples": [
                  true
                ]
              },
              "lastmodifiedby": {
                "type": "string",
                "description": "Username of the key that last created or modified the record.",
                "examples": [
                  "sumit"
                ]
              },
              "creationdate": {
                "type": "string",
                "format": "date-time",
                "description": "When the record was created (UTC).",
                "examples": [
                  "2026-11-25T09:30:00.000Z"
                ]
              },
              "lastmodificationdate": {
                "type": "string",
                "format": "date-time",
                "description": "When the record was created or last modified (UTC).",
                "examples": [
                  "2026-11-25T09:30:00.000Z"
                ]
              }
            }
          }
        }
      }
    }
  }
})

export const FieldError = Type.Unsafe<components['schemas']['FieldError']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "field",
    "problem"
  ],
  "properties": {
    "field": {
      "type": "string",
      "description": "The body field or path parameter at fault (`body` for the body as a whole).",
      "examples": [
        "value2"
      ]
    },
    "problem": {
      "type": "string",
      "examples": [
        "must be a number or null"
      ]
    }
  }
})

export const Failure = Type.Unsafe<components['schemas']['Failure']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status",
    "message"
  ],
  "properties": {
    "status": {
      "const": "failed"
    },
    "message": {
      "type": "string",
      "examples": [
        "The record does not exist! Please try a different record number!"
      ]
    },
    "errors": {
      "type": "array",
      "description": "Present on validation failures; names every offending field.",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "field",
          "problem"
        ],
        "properties": {
          "field": {
            "type": "string",
            "description": "The body field or path parameter at fault (`body` for the body as a whole).",
            "examples": [
              "value2"
            ]
          },
          "problem": {
            "type": "string",
            "examples": [
              "must be a number or null"
            ]
          }
        }
      }
    }
  }
})

export const Health = Type.Unsafe<components['schemas']['Health']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status"
  ],
  "properties": {
    "status": {
      "const": "ok"
    }
  }
})

export const Readiness = Type.Unsafe<components['schemas']['Readiness']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status"
  ],
  "properties": {
    "status": {
      "const": "ok"
    },
    "replica": {
      "type": "object",
      "description": "Present only when a replica is configured (`READ_DATABASE_URL`). `ok`: it answers as a\nstandby, and reads go to it. `unavailable`: it does not answer (or just failed a read):\nreads go to the primary. `not_a_standby`: it answers but is no longer a replica (e.g.\npromoted), so nothing is read from it.\n",
      "additionalProperties": false,
      "required": [
        "status",
        "lag_seconds"
      ],
      "properties": {
        "status": {
          "enum": [
            "ok",
            "unavailable",
            "not_a_standby"
          ]
        },
        "lag_seconds": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "description": "How far its data trails: 0 when it has replayed all the WAL it has received, else the\nage of the last transaction it replayed; null when unknown.\n"
        }
      },
      "examples": [
        {
          "status": "ok",
          "lag_seconds": 0
        }
      ]
    }
  }
})

export const Unready = Type.Unsafe<components['schemas']['Unready']>({
  "type": "object",
  "additionalProperties": false,
  "required": [
    "status"
  ],
  "properties": {
    "status": {
      "const": "unavailable"
    },
    "replica": {
      "type": "object",
      "description": "Present only when a replica is configured (`READ_DATABASE_URL`). `ok`: it answers as a\nstandby, and reads go to it. `unavailable`: it does not answer (or just failed a read):\nreads go to the primary. `not_a_standby`: it answers but is no longer a replica (e.g.\npromoted), so nothing is read from it.\n",
      "additionalProperties": false,
      "required": [
        "status",
        "lag_seconds"
      ],
      "properties": {
        "status": {
          "enum": [
            "ok",
            "unavailable",
            "not_a_standby"
          ]
        },
        "lag_seconds": {
          "type": [
            "number",
            "null"
          ],
          "minimum": 0,
          "description": "How far its data trails: 0 when it has replayed all the WAL it has received, else the\nage of the last transaction it replayed; null when unknown.\n"
        }
      },
      "examples": [
        {
          "status": "ok",
          "lag_seconds": 0
        }
      ]
    }
  }
})

export const ReplicaReadiness = Type.Unsafe<components['schemas']['ReplicaReadiness']>({
  "type": "object",
  "description": "Present only when a replica is configured (`READ_DATABASE_URL`). `ok`: it answers as a\nstandby, and reads go to it. `unavailable`: it does not answer (or just failed a read):\nreads go to the primary. `not_a_standby`: it answers but is no longer a replica (e.g.\npromoted), so nothing is read from it.\n",
  "additionalProperties": false,
  "required": [
    "status",
    "lag_seconds"
  ],
  "properties": {
    "status": {
      "enum": [
        "ok",
        "unavailable",
        "not_a_standby"
      ]
    },
    "lag_seconds": {
      "type": [
        "number",
        "null"
      ],
      "minimum": 0,
      "description": "How far its data trails: 0 when it has replayed all the WAL it has received, else the\nage of the last transaction it replayed; null when unknown.\n"
    }
  },
  "examples": [
    {
      "status": "ok",
      "lag_seconds": 0
    }
  ]
})

export const generateKeyDeprecated = {
  params: Type.Unsafe<operations['generateKeyDeprecated']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "username"
    ],
    "properties": {
      "username": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[A-Za-z0-9_.-]+$",
        "examples": [
          "sumit"
        ]
      }
    }
  }),
  response: {
    201: KeyIssued,
    400: Failure,
    403: Failure,
    408: Failure,
    409: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const generateKey = {
  params: Type.Unsafe<operations['generateKey']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "username"
    ],
    "properties": {
      "username": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[A-Za-z0-9_.-]+$",
        "examples": [
          "sumit"
        ]
      }
    }
  }),
  response: {
    201: KeyIssued,
    400: Failure,
    403: Failure,
    408: Failure,
    409: Failure,
    413: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const rotateKey = {
  response: {
    201: KeyRotated,
    401: Failure,
    408: Failure,
    413: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const revokeKey = {
  response: {
    200: KeyRevoked,
    401: Failure,
    408: Failure,
    413: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const listRecords = {
  querystring: Type.Unsafe<NonNullable<operations['listRecords']['parameters']['query']>>({
    "type": "object",
    "additionalProperties": false,
    "required": [],
    "properties": {
      "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "examples": [
          100
        ]
      },
      "after_id": {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
        "examples": [
          100
        ]
      },
      "lastmodifiedby": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[A-Za-z0-9_.-]+$",
        "examples": [
          "sumit"
        ]
      },
      "value3": {
        "type": "boolean"
      }
    }
  }),
  response: {
    200: Type.Unsafe<operations['listRecords']['responses'][200]['content']['application/json']>({
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "timestamp",
          "value1",
          "value2",
          "value3",
          "lastmodifiedby",
          "creationdate",
          "lastmodificationdate"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int32",
            "minimum": 1,
            "maximum": 2147483647,
            "examples": [
              5
            ]
          },
          "timestamp": {
            "type": [
              "number",
              "null"
            ],
            "description": "A float chosen by the client (not server time). Stored as an IEEE-754 double, like every\nJSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as\n9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)\nis refused.\n",
            "examples": [
              828283281.21
            ]
          },
          "value1": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 255,
            "pattern": "^[^\\u0000]*$",
            "description": "Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with\nan unpaired UTF-16 surrogate (`\"\\ud800\"`) is refused rather than altered, as is a body that\nis not valid UTF-8.\n",
            "examples": [
              "German Shepherd"
            ]
          },
          "value2": {
            "type": [
              "number",
              "null"
            ],
            "description": "A float, stored as an IEEE-754 double (see `timestamp`).",
            "examples": [
              781230.21
            ]
          },
          "value3": {
            "type": [
              "boolean",
              "null"
            ],
            "examples": [
              true
            ]
          },
          "lastmodifiedby": {
            "type": "string",
            "description": "Username of the key that last created or modified the record.",
            "examples": [
              "sumit"
            ]
          },
          "creationdate": {
            "type": "string",
            "format": "date-time",
            "description": "When the record was created (UTC).",
            "examples": [
              "2026-11-25T09:30:00.000Z"
            ]
          },
          "lastmodificationdate": {
            "type": "string",
            "format": "date-time",
            "description": "When the record was created or last modified (UTC).",
            "examples": [
              "2026-11-25T09:30:00.000Z"
            ]
          }
        }
      }
    }),
    400: Failure,
    408: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const listRecordsHead = {
  querystring: Type.Unsafe<NonNullable<operations['listRecordsHead']['parameters']['query']>>({
    "type": "object",
    "additionalProperties": false,
    "required": [],
    "properties": {
      "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "examples": [
          100
        ]
      },
      "after_id": {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
        "examples": [
          100
        ]
      },
      "lastmodifiedby": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[A-Za-z0-9_.-]+$",
        "examples": [
          "sumit"
        ]
      },
      "value3": {
        "type": "boolean"
      }
    }
  }),
  response: {
    408: Failure,
    431: Failure
  }
} as const

export const createRecord = {
  body: RecordInput,
  response: {
    201: RecordCreated,
    400: Failure,
    401: Failure,
    408: Failure,
    409: Failure,
    413: Failure,
    415: Failure,
    422: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const bulkCreateRecords = {
  body: RecordInputList,
  response: {
    201: RecordsCreated,
    400: Failure,
    401: Failure,
    408: Failure,
    409: Failure,
    413: Failure,
    415: Failure,
    422: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const readRecord = {
  params: Type.Unsafe<operations['readRecord']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "record_id"
    ],
    "properties": {
      "record_id": {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 2147483647,
        "examples": [
          5
        ]
      }
    }
  }),
  response: {
    200: RecordFound,
    304: Type.Null(),
    400: Failure,
    404: Failure,
    408: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const readRecordHead = {
  params: Type.Unsafe<operations['readRecordHead']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "record_id"
    ],
    "properties": {
      "record_id": {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 2147483647,
        "examples": [
          5
        ]
      }
    }
  }),
  response: {
    304: Type.Null(),
    408: Failure,
    431: Failure
  }
} as const

export const modifyRecord = {
  params: Type.Unsafe<operations['modifyRecord']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "record_id"
    ],
    "properties": {
      "record_id": {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 2147483647,
        "examples": [
          5
        ]
      }
    }
  }),
  body: RecordPatch,
  response: {
    200: RecordModified,
    400: Failure,
    401: Failure,
    404: Failure,
    408: Failure,
    412: Failure,
    413: Failure,
    415: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const removeRecord = {
  params: Type.Unsafe<operations['removeRecord']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "record_id"
    ],
    "properties": {
      "record_id": {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 2147483647,
        "examples": [
          5
        ]
      }
    }
  }),
  response: {
    200: RecordRemoved,
    400: Failure,
    401: Failure,
    404: Failure,
    408: Failure,
    412: Failure,
    413: Failure,
    429: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const getHistory = {
  params: Type.Unsafe<operations['getHistory']['parameters']['path']>({
    "type": "object",
    "additionalProperties": false,
    "required": [
      "record_id"
    ],
    "properties": {
      "record_id": {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 2147483647,
        "examples": [
          5
        ]
      }
    }
  }),
  querystring: Type.Unsafe<NonNullable<operations['getHistory']['parameters']['query']>>({
    "type": "object",
    "additionalProperties": false,
    "required": [],
    "properties": {
      "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "examples": [
          100
        ]
      },
      "after_version": {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
        "examples": [
          3
        ]
      }
    }
  }),
  response: {
    200: HistoryFound,
    400: Failure,
    404: Failure,
    408: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const getChanges = {
  querystring: Type.Unsafe<NonNullable<operations['getChanges']['parameters']['query']>>({
    "type": "object",
    "additionalProperties": false,
    "required": [],
    "properties": {
      "after": {
        "type": "integer",
        "minimum": 0,
        "maximum": 9007199254740991,
        "examples": [
          1234
        ]
      }
    }
  }),
  response: {
    400: Failure,
    408: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const getHealth = {
  response: {
    200: Health,
    400: Failure,
    408: Failure,
    431: Failure,
    503: Failure
  }
} as const

export const getHealthHead = {
  response: {
    408: Failure,
    431: Failure
  }
} as const

export const getReadiness = {
  response: {
    200: Readiness,
    400: Failure,
    408: Failure,
    431: Failure,
    503: Unready
  }
} as const

export const getReadinessHead = {
  response: {
    408: Failure,
    431: Failure
  }
} as const

export const getMetrics = {
  response: {
    400: Failure,
    408: Failure,
    431: Failure
  }
} as const
