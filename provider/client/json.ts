/** JSON as it crosses the wire: what the client sends and the mapping builds. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
