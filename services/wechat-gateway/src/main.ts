import { runService } from '@mirror/platform';
import { gatewayService } from './service';

runService(gatewayService);
