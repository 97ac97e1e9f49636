// The subset of onnx/onnx.proto (proto2) the importer reads, with the upstream field numbers,
// decoded by protobufjs. Fields not listed here are skipped by the decoder (protobuf rule), so
// training info, functions, sparse initializers and doc strings cost nothing. Tests encode their
// models with the same root (onnxRoot().lookupType('onnx.ModelProto')).
import protobuf from 'protobufjs';

export const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message AttributeProto {
  optional string name = 1; optional string ref_attr_name = 21; optional int32 type = 20;
  optional float f = 2; optional int64 i = 3; optional bytes s = 4; optional TensorProto t = 5; optional GraphProto g = 6; optional TypeProto tp = 14;
  repeated float floats = 7; repeated int64 ints = 8; repeated bytes strings = 9; repeated TensorProto tensors = 10; repeated GraphProto graphs = 11;
}
message TensorProto {
  repeated int64 dims = 1; optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true]; repeated int32 int32_data = 5 [packed = true]; repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true]; optional string name = 8; optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true]; repeated uint64 uint64_data = 11 [packed = true];
  repeated StringStringEntryProto external_data = 13; optional int32 data_location = 14;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } optional string denotation = 3; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  message Sequence { optional TypeProto elem_type = 1; }
  message Optional { optional TypeProto elem_type = 1; }
  oneof value { Tensor tensor_type = 1; Sequence sequence_type = 4; Optional optional_type = 9; }
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4;
  repeated AttributeProto attribute = 5; optional string domain = 7;
}
message GraphProto {
  repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; repeated ValueInfoProto value_info = 13;
}
message ModelProto {
  optional int64 ir_version = 1; optional string producer_name = 2; optional string producer_version = 3;
  optional string domain = 4; optional int64 model_version = 5; optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8; repeated StringStringEntryProto metadata_props = 14;
}
`;

let root: protobuf.Root | null = null;
export function onnxRoot(): protobuf.Root {
  if (!root) root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  return root;
}

/** TensorProto.DataType */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16 } as const;
/** AttributeProto.AttributeType */
export const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, TYPE_PROTO: 13 } as const;

export interface TensorP {
  dims?: number[]; data_type?: number; float_data?: number[]; int32_data?: number[]; int64_data?: number[];
  double_data?: number[]; uint64_data?: number[]; name?: string; raw_data?: Uint8Array; data_location?: number;
  external_data?: { key?: string; value?: string }[]; string_data?: Uint8Array[];
}
export interface AttrP {
  name?: string; ref_attr_name?: string; type?: number; f?: number; i?: number; s?: Uint8Array; t?: TensorP; g?: GraphP; tp?: TypeP;
  floats?: number[]; ints?: number[]; strings?: Uint8Array[]; tensors?: TensorP[]; graphs?: unknown[];
}
export interface NodeP { input?: string[]; output?: string[]; name?: string; op_type?: string; attribute?: AttrP[]; domain?: string }
export interface DimP { dim_value?: number; dim_param?: string }
export interface TypeP { tensor_type?: { elem_type?: number; shape?: { dim?: DimP[] } }; sequence_type?: { elem_type?: TypeP }; optional_type?: { elem_type?: TypeP } }
export interface ValueInfoP { name?: string; type?: TypeP }
export interface GraphP { node?: NodeP[]; name?: string; initializer?: TensorP[]; input?: ValueInfoP[]; output?: ValueInfoP[]; value_info?: ValueInfoP[] }
export interface ModelP {
  ir_version?: number; producer_name?: string; producer_version?: string; domain?: string; model_version?: number;
  graph?: GraphP; opset_import?: { domain?: string; version?: number }[]; metadata_props?: { key?: string; value?: string }[];
}

/** Decode ModelProto bytes to plain objects (int64 as numbers, bytes as Uint8Array). Throws
 *  protobufjs errors on malformed input; the caller wraps them. */
export function decodeModel(bytes: Uint8Array): ModelP {
  const T = onnxRoot().lookupType('onnx.ModelProto');
  const msg = T.decode(bytes);
  return T.toObject(msg, { longs: Number, defaults: false, arrays: false, oneofs: false }) as ModelP;
}
