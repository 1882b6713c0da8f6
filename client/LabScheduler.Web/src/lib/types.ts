import type { ZonedTime } from './format';

export interface Slot { instrumentId: string; labId: string; start: string; end: string; lab: ZonedTime; requester: ZonedTime }
export interface Rules {
  slotMinutes: number; minMinutes: number; maxMinutes: number; bufferMinutes: number; leadMinutes: number; horizonDays: number;
  requiresApproval: boolean; requiresAuthorization: boolean; capacity: number; noShowMinutes: number; waitlistAutoBook: boolean;
  offerMinutes: number; chargeActual: boolean; chargeNoShow: boolean; minimumChargeMinutes: number; shares: Record<string, number>;
  sharesHard: boolean; cancelDeadlineHours: number;
}
export interface Rates { internal: number; partner: number; external: number }
export interface Instrument {
  id: string; labId: string; name: string; category: string; currency: string; timeZone: string; status: string;
  memberState?: string; rates?: Rates; rules?: Partial<Rules>; authorizedUsers?: string[];
}
export interface Booking {
  id: string; instrumentId: string; labId: string; teamId: string; userId: string; status: string;
  start: string; end: string; lab: ZonedTime; requester: ZonedTime; purpose?: string; seriesId?: string;
}
export interface Quote { tariff: string; ratePerHour: number; minutes: number; amount: number; currency: string }
