/**
 * A QR code of a fingerprint, drawn as SVG rectangles by React: no data URL, no HTML string,
 * nothing the CSP has to allow. The content follows the xmpp: URI form other OMEMO clients
 * scan (XEP-0147 style, `omemo2-sid-<id>=<fingerprint>`).
 */
import { useMemo } from 'react';
import QRCode from 'qrcode';

export function FingerprintQr({ jid, deviceId, fingerprint }: { jid: string; deviceId: number; fingerprint: string }) {
  const uri = `xmpp:${jid}?omemo2-sid-${deviceId}=${fingerprint.replaceAll(' ', '')}`;
  const { size, path } = useMemo(() => {
    const code = QRCode.create(uri, { errorCorrectionLevel: 'M' });
    const n = code.modules.size;
    let d = '';
    for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) if (code.modules.get(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
    return { size: n + 8, path: d };
  }, [uri]);
  return (
    <svg className="qr" role="img" aria-label="QR code of your fingerprint" viewBox={`0 0 ${size} ${size}`} width="200" height="200" data-testid="fingerprint-qr">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
