import HooklineCGI

/// `GET /openapi.json`: the OpenAPI 3.1 description of every endpoint in ``API/routes``, its
/// parameters, bodies and responses (problem documents included). The e2e tests validate
/// every answer they get against it, and run schemathesis on it.
enum OpenAPIDocument {
    @Sendable static func serve(_ request: Request) -> Response {
        let text = document.replacing("@BASE@", with: request.scriptName + API.prefix)
        return Response(
            status: .ok, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body: Array(text.utf8))
    }

    static let document = #"""
        {
         "openapi": "3.1.0",
         "info": {
          "title": "Hookline API",
          "version": "1",
          "description": "Ingest events and manage webhook subscriptions (DESIGN §8). JSON in and out; every error is an RFC 9457 problem document (`application/problem+json`). Every response carries `Cache-Control: no-store`. Ids are integers, times RFC 3339 UTC. Authenticate with `Authorization: Bearer hlk_…` (tokens from the console's Tokens page or `hookline tokens create`); cookies and the web server's login do not open the API."
         },
         "servers": [
          {
           "url": "@BASE@"
          }
         ],
         "security": [
          {
           "bearer": []
          }
         ],
         "tags": [
          {
           "name": "events"
          },
          {
           "name": "catalogue"
          },
          {
           "name": "subscriptions"
          },
          {
           "name": "meta"
          }
         ],
         "paths": {
          "/openapi.json": {
           "get": {
            "operationId": "getOpenAPI",
            "summary": "This document",
            "tags": [
             "meta"
            ],
            "security": [],
            "responses": {
             "200": {
              "description": "The OpenAPI 3.1 description of the API.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              }
             }
            }
           }
          },
          "/events": {
           "post": {
            "operationId": "ingestEvents",
            "summary": "Ingest one event or a batch",
            "description": "Stores and fans out the events in one transaction, exactly like `hookline emit`: to every active subscription of the event's type whose agent scope is empty or holds the event's agent. An `event_id` already ingested (earlier, or before in the same batch) is counted in `duplicates` and not fanned out again. Any invalid event refuses the whole request (422 naming `events[i].field`) and nothing is stored.\n\nToken scope: `ingest or admin`.",
            "tags": [
             "events"
            ],
            "responses": {
             "202": {
              "description": "Stored and fanned out.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/IngestResult"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Problem400"
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "405": {
              "$ref": "#/components/responses/Problem405"
             },
             "413": {
              "$ref": "#/components/responses/Problem413"
             },
             "415": {
              "$ref": "#/components/responses/Problem415"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "oneOf": [
                 {
                  "$ref": "#/components/schemas/Event"
                 },
                 {
                  "$ref": "#/components/schemas/EventBatch"
                 }
                ]
               }
              }
             }
            }
           }
          },
          "/event-types": {
           "get": {
            "operationId": "listEventTypes",
            "summary": "The event catalogue",
            "description": "Every event type, by group.\n\nToken scope: `ingest or admin`.",
            "tags": [
             "catalogue"
            ],
            "responses": {
             "200": {
              "description": "The catalogue.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "data"
                 ],
                 "additionalProperties": false,
                 "properties": {
                  "data": {
                   "type": "array",
                   "items": {
                    "$ref": "#/components/schemas/EventType"
                   }
                  }
                 }
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          },
          "/agents": {
           "get": {
            "operationId": "listAgents",
            "summary": "The account's agents",
            "description": "Agents by name.\n\nToken scope: `ingest or admin`.",
            "tags": [
             "catalogue"
            ],
            "responses": {
             "200": {
              "description": "The agents.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "data"
                 ],
                 "additionalProperties": false,
                 "properties": {
                  "data": {
                   "type": "array",
                   "items": {
                    "$ref": "#/components/schemas/Agent"
                   }
                  }
                 }
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          },
          "/subscriptions": {
           "get": {
            "operationId": "listSubscriptions",
            "summary": "List subscriptions",
            "description": "Oldest first, one page at a time; pass `next` as `after` for the following page. Filters as the console's inventory.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "200": {
              "description": "One page.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/SubscriptionPage"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            },
            "parameters": [
             {
              "name": "q",
              "in": "query",
              "description": "Name or URL contains (at most 200 characters).",
              "schema": {
               "type": "string",
               "maxLength": 200
              }
             },
             {
              "name": "status",
              "in": "query",
              "schema": {
               "type": "string",
               "enum": [
                "active",
                "inactive",
                "disabled"
               ]
              }
             },
             {
              "name": "agent",
              "in": "query",
              "description": "Subscriptions that receive this agent's events (scoped to it, or to all agents).",
              "schema": {
               "type": "string",
               "format": "uuid"
              }
             },
             {
              "name": "event",
              "in": "query",
              "description": "Subscriptions to this event type.",
              "schema": {
               "type": "string",
               "pattern": "^[a-z0-9_]+(\\.[a-z0-9_]+)+$"
              }
             },
             {
              "$ref": "#/components/parameters/Limit"
             },
             {
              "name": "after",
              "in": "query",
              "description": "The `next` cursor of the previous page.",
              "schema": {
               "type": "string",
               "pattern": "^[0-9]+-[1-9][0-9]*$"
              }
             }
            ]
           },
           "post": {
            "operationId": "createSubscription",
            "summary": "Create a subscription",
            "description": "Same rules and messages as the console's form. The generated `secret` is in this response only.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "201": {
              "description": "Created.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               },
               "Location": {
                "description": "The new subscription's address.",
                "schema": {
                 "type": "string"
                }
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/CreatedSubscription"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Problem400"
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "415": {
              "$ref": "#/components/responses/Problem415"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/SubscriptionCreate"
               }
              }
             }
            }
           }
          },
          "/subscriptions/{id}": {
           "parameters": [
            {
             "$ref": "#/components/parameters/SubscriptionId"
            }
           ],
           "get": {
            "operationId": "getSubscription",
            "summary": "Read a subscription",
            "description": "Never the secret.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "200": {
              "description": "The subscription.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Subscription"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           },
           "patch": {
            "operationId": "updateSubscription",
            "summary": "Change a subscription",
            "description": "Partial update: the fields sent replace the stored ones; `version` (as read) is required. `active: true` on a disabled subscription clears the automatic disable.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "200": {
              "description": "The subscription as saved.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Subscription"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Problem400"
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "409": {
              "$ref": "#/components/responses/Problem409"
             },
             "415": {
              "$ref": "#/components/responses/Problem415"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            },
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/SubscriptionPatch"
               }
              }
             }
            }
           },
           "delete": {
            "operationId": "deleteSubscription",
            "summary": "Delete a subscription",
            "description": "With its scope and delivery log. An optional `version` makes the delete conditional.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "204": {
              "description": "Deleted.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "409": {
              "$ref": "#/components/responses/Problem409"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            },
            "parameters": [
             {
              "name": "version",
              "in": "query",
              "schema": {
               "type": "integer"
              }
             }
            ]
           }
          },
          "/subscriptions/{id}/secret": {
           "parameters": [
            {
             "$ref": "#/components/parameters/SubscriptionId"
            }
           ],
           "post": {
            "operationId": "rotateSecret",
            "summary": "Rotate the signing secret",
            "description": "Generates a new secret, answered once. The previous one keeps signing during the grace period (deliveries carry both signatures).\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "200": {
              "description": "The new secret.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/RotatedSecret"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "409": {
              "$ref": "#/components/responses/Problem409"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           },
           "delete": {
            "operationId": "removeSecret",
            "summary": "Remove the signing secret",
            "description": "Deliveries are no longer signed.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "204": {
              "description": "Removed (or there was none).",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "409": {
              "$ref": "#/components/responses/Problem409"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          },
          "/subscriptions/{id}/deliveries": {
           "parameters": [
            {
             "$ref": "#/components/parameters/SubscriptionId"
            }
           ],
           "get": {
            "operationId": "listDeliveries",
            "summary": "Delivery attempts",
            "description": "Newest first, one page at a time; pass `next` as `after`. `status` keeps only attempts that were delivered or failed, or those of deliveries now pending a retry or held (as the console's all-deliveries log).\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "200": {
              "description": "One page of attempts.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/AttemptPage"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            },
            "parameters": [
             {
              "$ref": "#/components/parameters/Limit"
             },
             {
              "name": "status",
              "in": "query",
              "description": "`delivered` or `failed` (how the attempt ended), `pending` or `held` (where its delivery is now).",
              "schema": {
               "type": "string",
               "enum": [
                "delivered",
                "failed",
                "pending",
                "held"
               ]
              }
             },
             {
              "name": "after",
              "in": "query",
              "description": "The `next` cursor of the previous page.",
              "schema": {
               "type": "string",
               "pattern": "^[1-9][0-9]*$"
              }
             }
            ]
           }
          },
          "/subscriptions/{id}/deliveries/{n}/resend": {
           "parameters": [
            {
             "$ref": "#/components/parameters/SubscriptionId"
            },
            {
             "$ref": "#/components/parameters/AttemptId"
            }
           ],
           "post": {
            "operationId": "resendDelivery",
            "summary": "Resend a delivery now",
            "description": "Sends the delivery of attempt `n` again now — same event id and body, new timestamp and signature — and answers the new attempt, whatever the receiver said (see `outcome`). No body. Test sends and resends run at most `max_concurrent_test_sends` at once; beyond that a 503 with `Retry-After`.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "responses": {
             "200": {
              "description": "The new attempt.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Attempt"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          },
          "/subscriptions/{id}/test": {
           "parameters": [
            {
             "$ref": "#/components/parameters/SubscriptionId"
            }
           ],
           "post": {
            "operationId": "sendTest",
            "summary": "Send a test event now",
            "description": "Sends a sample event of `event_type` (one of the subscription's event types) now, signed like every delivery, active or not, and answers the attempt: the request headers, the receiver's status, the latency and the outcome — never the secret. Test sends and resends run at most `max_concurrent_test_sends` at once; beyond that a 503 with `Retry-After`.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/TestSend"
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "The attempt (a receiver's failure is an attempt too: see `outcome`).",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Attempt"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Problem400"
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "415": {
              "$ref": "#/components/responses/Problem415"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          },
          "/subscriptions/{id}/recover": {
           "parameters": [
            {
             "$ref": "#/components/parameters/SubscriptionId"
            }
           ],
           "post": {
            "operationId": "recoverDeliveries",
            "summary": "Re-queue failed deliveries",
            "description": "Re-queues the subscription's deliveries that gave up as failed at or after `since` (test sends excepted): pending and due now, or held while the subscription is off. Audited as `token:<name>`.\n\nToken scope: `admin`.",
            "tags": [
             "subscriptions"
            ],
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/Recover"
               }
              }
             }
            },
            "responses": {
             "202": {
              "description": "How many deliveries were re-queued.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Recovered"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Problem400"
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "404": {
              "$ref": "#/components/responses/Problem404"
             },
             "415": {
              "$ref": "#/components/responses/Problem415"
             },
             "422": {
              "$ref": "#/components/responses/Problem422"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          },
          "/metrics": {
           "get": {
            "operationId": "metrics",
            "summary": "Prometheus metrics",
            "description": "The Prometheus text exposition (format 0.0.4) of the delivery figures: `hookline_deliveries_total{outcome}`, `hookline_delivery_duration_seconds` (histogram), `hookline_deliveries_pending`, `hookline_oldest_pending_seconds`, `hookline_deliveries_held`, `hookline_subscriptions{status}`.\n\nToken scope: `metrics` or `admin`.",
            "tags": [
             "meta"
            ],
            "responses": {
             "200": {
              "description": "The metrics.",
              "headers": {
               "Cache-Control": {
                "$ref": "#/components/headers/CacheControl"
               }
              },
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Problem401"
             },
             "403": {
              "$ref": "#/components/responses/Problem403"
             },
             "500": {
              "$ref": "#/components/responses/Problem500"
             },
             "503": {
              "$ref": "#/components/responses/Problem503"
             }
            }
           }
          }
         },
         "components": {
          "securitySchemes": {
           "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "`hlk_` + 43 base64url characters. Scopes: ingest, admin, metrics."
           }
          },
          "headers": {
           "CacheControl": {
            "description": "Always `no-store`.",
            "schema": {
             "type": "string",
             "const": "no-store"
            }
           }
          },
          "parameters": {
           "SubscriptionId": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
             "type": "integer",
             "minimum": 1
            }
           },
           "Limit": {
            "name": "limit",
            "in": "query",
            "description": "Page size (default 50).",
            "schema": {
             "type": "integer",
             "minimum": 1,
             "maximum": 100
            }
           },
           "AttemptId": {
            "name": "n",
            "in": "path",
            "required": true,
            "description": "An attempt's `id`, as `GET …/deliveries` lists it.",
            "schema": {
             "type": "integer",
             "minimum": 1
            }
           }
          },
          "responses": {
           "Problem400": {
            "description": "The request could not be read: not JSON, not UTF-8, or a malformed query string.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem401": {
            "description": "No token, a token that is unknown or revoked, or credentials other than a Bearer token.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             },
             "WWW-Authenticate": {
              "description": "`Bearer realm=\"hookline\"` (with `error=\"invalid_token\"` for a bad token)",
              "schema": {
               "type": "string"
              }
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem403": {
            "description": "The token's scope does not cover this endpoint.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem404": {
            "description": "No such subscription or endpoint.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem405": {
            "description": "The method is not allowed on this path (see `Allow`).",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             },
             "Allow": {
              "description": "The methods this path allows.",
              "schema": {
               "type": "string"
              }
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem409": {
            "description": "The subscription changed meanwhile (stale `version`); `current` holds it as it is now.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem413": {
            "description": "The body is over 1 MiB, or a batch has more than 1,000 events.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem415": {
            "description": "The body is not `application/json`.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem422": {
            "description": "Invalid input: `errors` names each faulty field (or event index) with messages.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem500": {
            "description": "Hookline failed; the detail is in the server's error log under the reference given.",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           },
           "Problem503": {
            "description": "The database is unavailable, or (test send, resend) every send slot is busy; try again later (`Retry-After`).",
            "headers": {
             "Cache-Control": {
              "$ref": "#/components/headers/CacheControl"
             },
             "Retry-After": {
              "description": "Seconds to wait before trying again.",
              "schema": {
               "type": "string"
              }
             }
            },
            "content": {
             "application/problem+json": {
              "schema": {
               "$ref": "#/components/schemas/Problem"
              }
             }
            }
           }
          },
          "schemas": {
           "Problem": {
            "type": "object",
            "required": [
             "type",
             "title",
             "status",
             "detail"
            ],
            "properties": {
             "type": {
              "type": "string",
              "format": "uri"
             },
             "title": {
              "type": "string"
             },
             "status": {
              "type": "integer"
             },
             "detail": {
              "type": "string"
             },
             "errors": {
              "type": "object",
              "description": "Field (or `events[i].field`) → messages.",
              "additionalProperties": {
               "type": "array",
               "items": {
                "type": "string"
               }
              }
             },
             "current": {
              "$ref": "#/components/schemas/Subscription"
             }
            }
           },
           "Event": {
            "type": "object",
            "required": [
             "event_type"
            ],
            "additionalProperties": false,
            "properties": {
             "event_type": {
              "type": "string",
              "description": "A type from the catalogue (`GET /event-types`)."
             },
             "event_id": {
              "type": "string",
              "minLength": 1,
              "maxLength": 100,
              "pattern": "^[A-Za-z0-9_.:-]+$",
              "description": "Idempotency key; a UUID is made when absent."
             },
             "agent_uuid": {
              "type": "string",
              "description": "An agent of the account; defaults to `data.agent_uuid`. Selects the subscriptions scoped to that agent."
             },
             "data": {
              "type": "object",
              "description": "The envelope's `data`; `agent_uuid` and `agent_name` are filled in from the agent."
             }
            }
           },
           "EventBatch": {
            "type": "object",
            "required": [
             "events"
            ],
            "additionalProperties": false,
            "properties": {
             "events": {
              "type": "array",
              "minItems": 1,
              "maxItems": 1000,
              "items": {
               "$ref": "#/components/schemas/Event"
              }
             }
            }
           },
           "IngestResult": {
            "type": "object",
            "required": [
             "accepted",
             "duplicates",
             "deliveries"
            ],
            "additionalProperties": false,
            "properties": {
             "accepted": {
              "type": "integer",
              "minimum": 0
             },
             "duplicates": {
              "type": "integer",
              "minimum": 0
             },
             "deliveries": {
              "type": "integer",
              "minimum": 0
             }
            }
           },
           "EventType": {
            "type": "object",
            "required": [
             "name",
             "group",
             "description",
             "sample_data"
            ],
            "additionalProperties": false,
            "properties": {
             "name": {
              "type": "string"
             },
             "group": {
              "type": "string"
             },
             "description": {
              "type": "string"
             },
             "sample_data": {
              "type": "object"
             }
            }
           },
           "Agent": {
            "type": "object",
            "required": [
             "uuid",
             "name"
            ],
            "additionalProperties": false,
            "properties": {
             "uuid": {
              "type": "string"
             },
             "name": {
              "type": "string"
             }
            }
           },
           "Subscription": {
            "type": "object",
            "additionalProperties": false,
            "required": [
             "id",
             "name",
             "url",
             "active",
             "status",
             "disabled_reason",
             "events",
             "agents",
             "signature_scheme",
             "secret_set",
             "version",
             "created",
             "updated"
            ],
            "properties": {
             "id": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "url": {
              "type": "string"
             },
             "active": {
              "type": "boolean"
             },
             "status": {
              "type": "string",
              "enum": [
               "active",
               "inactive",
               "disabled"
              ]
             },
             "disabled_reason": {
              "type": [
               "string",
               "null"
              ]
             },
             "events": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "agents": {
              "type": "array",
              "description": "Agent uuids; empty = all agents.",
              "items": {
               "type": "string"
              }
             },
             "signature_scheme": {
              "type": "string",
              "enum": [
               "hookline",
               "standard-webhooks"
              ]
             },
             "secret_set": {
              "type": "boolean"
             },
             "version": {
              "type": "integer"
             },
             "created": {
              "type": "string",
              "format": "date-time"
             },
             "updated": {
              "type": "string",
              "format": "date-time"
             }
            }
           },
           "CreatedSubscription": {
            "type": "object",
            "additionalProperties": false,
            "required": [
             "id",
             "name",
             "url",
             "active",
             "status",
             "disabled_reason",
             "events",
             "agents",
             "signature_scheme",
             "secret_set",
             "version",
             "created",
             "updated"
            ],
            "properties": {
             "id": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "url": {
              "type": "string"
             },
             "active": {
              "type": "boolean"
             },
             "status": {
              "type": "string",
              "enum": [
               "active",
               "inactive",
               "disabled"
              ]
             },
             "disabled_reason": {
              "type": [
               "string",
               "null"
              ]
             },
             "events": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "agents": {
              "type": "array",
              "description": "Agent uuids; empty = all agents.",
              "items": {
               "type": "string"
              }
             },
             "signature_scheme": {
              "type": "string",
              "enum": [
               "hookline",
               "standard-webhooks"
              ]
             },
             "secret_set": {
              "type": "boolean"
             },
             "version": {
              "type": "integer"
             },
             "created": {
              "type": "string",
              "format": "date-time"
             },
             "updated": {
              "type": "string",
              "format": "date-time"
             },
             "secret": {
              "type": "string",
              "description": "`whsec_…`, when generated: shown in this response only."
             }
            }
           },
           "SubscriptionPage": {
            "type": "object",
            "required": [
             "data",
             "next"
            ],
            "additionalProperties": false,
            "properties": {
             "data": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Subscription"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            }
           },
           "SubscriptionCreate": {
            "type": "object",
            "required": [
             "name",
             "url",
             "events"
            ],
            "additionalProperties": false,
            "properties": {
             "name": {
              "type": "string",
              "description": "1–200 characters, trimmed."
             },
             "url": {
              "type": "string",
              "description": "Absolute https:// URL (http:// where the config allows)."
             },
             "active": {
              "type": "boolean",
              "default": true
             },
             "agents": {
              "type": "array",
              "items": {
               "type": "string"
              },
              "default": [],
              "description": "Agent uuids; empty = all agents."
             },
             "events": {
              "type": "array",
              "items": {
               "type": "string"
              },
              "minItems": 1
             },
             "signature_scheme": {
              "type": "string",
              "enum": [
               "hookline",
               "standard-webhooks"
              ],
              "default": "hookline"
             },
             "generate_secret": {
              "type": "boolean",
              "default": true
             }
            }
           },
           "SubscriptionPatch": {
            "type": "object",
            "required": [
             "version"
            ],
            "additionalProperties": false,
            "properties": {
             "version": {
              "type": "integer"
             },
             "name": {
              "type": "string"
             },
             "url": {
              "type": "string"
             },
             "active": {
              "type": "boolean"
             },
             "agents": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "events": {
              "type": "array",
              "items": {
               "type": "string"
              },
              "minItems": 1
             },
             "signature_scheme": {
              "type": "string",
              "enum": [
               "hookline",
               "standard-webhooks"
              ]
             }
            }
           },
           "RotatedSecret": {
            "type": "object",
            "required": [
             "secret",
             "previous_secret_valid_until",
             "subscription"
            ],
            "additionalProperties": false,
            "properties": {
             "secret": {
              "type": "string"
             },
             "previous_secret_valid_until": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "subscription": {
              "$ref": "#/components/schemas/Subscription"
             }
            }
           },
           "Attempt": {
            "type": "object",
            "additionalProperties": false,
            "required": [
             "id",
             "delivery_id",
             "attempt",
             "at",
             "event_id",
             "event_type",
             "test",
             "url",
             "status_code",
             "latency_ms",
             "outcome",
             "succeeded",
             "message",
             "response_excerpt",
             "request_headers"
            ],
            "properties": {
             "id": {
              "type": "integer"
             },
             "delivery_id": {
              "type": "integer"
             },
             "attempt": {
              "type": "integer"
             },
             "at": {
              "type": "string",
              "format": "date-time"
             },
             "event_id": {
              "type": "string"
             },
             "event_type": {
              "type": "string"
             },
             "test": {
              "type": "boolean"
             },
             "url": {
              "type": "string"
             },
             "status_code": {
              "type": [
               "integer",
               "null"
              ]
             },
             "latency_ms": {
              "type": "integer"
             },
             "outcome": {
              "type": "string",
              "enum": [
               "success",
               "invalid_url",
               "dns",
               "connect",
               "tls",
               "timeout",
               "blocked",
               "redirect",
               "http_status",
               "other"
              ]
             },
             "succeeded": {
              "type": "boolean"
             },
             "message": {
              "type": "string"
             },
             "response_excerpt": {
              "type": "string"
             },
             "request_headers": {
              "type": "array",
              "items": {
               "type": "object",
               "required": [
                "name",
                "value"
               ],
               "additionalProperties": false,
               "properties": {
                "name": {
                 "type": "string"
                },
                "value": {
                 "type": "string"
                }
               }
              }
             }
            }
           },
           "AttemptPage": {
            "type": "object",
            "required": [
             "data",
             "next"
            ],
            "additionalProperties": false,
            "properties": {
             "data": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Attempt"
              }
             },
             "next": {
              "type": [
               "string",
               "null"
              ]
             }
            }
           },
           "TestSend": {
            "type": "object",
            "required": [
             "event_type"
            ],
            "additionalProperties": false,
            "properties": {
             "event_type": {
              "type": "string",
              "description": "One of the subscription's event types."
             }
            }
           },
           "Recover": {
            "type": "object",
            "required": [
             "since"
            ],
            "additionalProperties": false,
            "properties": {
             "since": {
              "type": "string",
              "format": "date-time",
              "description": "RFC 3339 with seconds and offset, like `2026-04-19T14:30:00Z`."
             }
            }
           },
           "Recovered": {
            "type": "object",
            "required": [
             "queued"
            ],
            "additionalProperties": false,
            "properties": {
             "queued": {
              "type": "integer",
              "minimum": 0
             }
            }
           }
          }
         }
        }
        """#
}
