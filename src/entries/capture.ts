/**
 * `rtnetlink/capture`: record a handle's traffic to a pcap file that Wireshark and tshark decode
 * (LINKTYPE_NETLINK, the nlmon format), read pcap, pcapng and strace captures, decode their
 * datagrams message by message, and replay a capture as a transport without a kernel.
 *
 * @module
 */
export type { CaptureDirection, CapturedDatagram, CaptureSink } from '../netlink/capture/types.js';
export { CaptureFormatError } from '../netlink/capture/types.js';
export type { PcapRecordInput, PcapWriterOptions } from '../netlink/capture/pcap.js';
export { PcapWriter, readCapture } from '../netlink/capture/pcap.js';
export type { CaptureFileFormat, ReadCaptureFileOptions } from '../netlink/capture/file.js';
export { MAX_CAPTURE_FILE_BYTES, captureFormatOf, readCaptureFile } from '../netlink/capture/file.js';
export { CAPTURE_FILE_MODE } from '../netlink/capture/output.js';
export type { StraceCaptureOptions } from '../netlink/capture/strace.js';
export { parseStraceCapture } from '../netlink/capture/strace.js';
export type { MemoryCaptureOptions } from '../netlink/capture/recorder.js';
export { MemoryCaptureSink, MemoryRecordingTransport, RecordingTransport } from '../netlink/capture/recorder.js';
export type { ReplayOptions } from '../netlink/capture/replay.js';
export { ReplayMismatchError, ReplayTransport } from '../netlink/capture/replay.js';
export type { Transport } from '../netlink/transport.js';
export { decodeDatagram, messageFlagNames, messageTypeName, type DecodedErrno, type DecodedMessage, type DecodedRequestHeader } from '../rtnl/decode.js';
// The errors the readers, writers and replay throw, so this module's references to them resolve here too.
export { RtnetlinkError, DecodeError, SocketError, InvalidArgumentError } from '../netlink/errors.js';
